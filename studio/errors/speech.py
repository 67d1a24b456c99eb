"""Typed errors of text to speech: the text, the engines and voices, voice packs. Data
only, no UI text. Thread-safe: plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from studio.errors.core import StudioError


@dataclass
class EmptyText(StudioError):
    """A text to read aloud holds nothing to say (empty, or only symbols)."""

    def describe(self) -> str:
        return "the text has nothing to read aloud"


@dataclass
class UnreadableText(StudioError):
    """A text file that cannot be read as text."""

    path: Path
    reason: str

    def describe(self) -> str:
        return f"{self.path}: cannot read as text: {self.reason}"


@dataclass
class EngineUnavailable(StudioError):
    """A speech engine that is not installed or cannot start."""

    engine: str
    reason: str

    def describe(self) -> str:
        return f"speech engine {self.engine} is not available: {self.reason}"


@dataclass
class VoiceNotFound(StudioError):
    engine: str
    voice: str

    def describe(self) -> str:
        return f"speech engine {self.engine} has no voice {self.voice!r} (see: radio-studio tts voices)"


@dataclass
class SynthesisTimeout(StudioError):
    """The speech engine did not finish in time; its process was killed."""

    engine: str
    seconds: float

    def describe(self) -> str:
        return f"speech engine {self.engine} did not finish within {self.seconds:.0f} s and was stopped"


@dataclass
class SynthesisFailed(StudioError):
    """The speech engine ended without producing the audio asked for."""

    engine: str
    reason: str

    def describe(self) -> str:
        return f"speech engine {self.engine} failed: {self.reason}"


class VoicePackProblem(Enum):
    """Why a voice pack (a Piper .onnx with its .onnx.json) was refused."""

    MISSING_FILE = "missing-file"  # the .onnx, or the .onnx.json beside it, is not there
    BAD_CONFIG = "bad-config"  # the .onnx.json is not JSON, or lacks what Piper needs
    BAD_MODEL = "bad-model"  # the .onnx is corrupt or truncated: ONNX Runtime cannot load it
    SILENT = "silent"  # it loads but speaks no audio for a test sentence
    BAD_NAME = "bad-name"  # the name is not a plain file name


@dataclass
class VoicePackInvalid(StudioError):
    """A voice pack refused at install time; nothing of it was kept."""

    path: Path
    problem: VoicePackProblem
    detail: str

    def describe(self) -> str:
        return f"{self.path}: not a usable Piper voice ({self.problem.value}): {self.detail}"


@dataclass
class VoicePackExists(StudioError):
    name: str

    def describe(self) -> str:
        return f"a voice named {self.name!r} is already installed (remove it first: radio-studio tts voices remove)"


@dataclass
class VoicePackNotFound(StudioError):
    name: str

    def describe(self) -> str:
        return f"no installed voice {self.name!r} (see: radio-studio tts voices)"


@dataclass
class NoSpeechSource(StudioError):
    """The clip was recorded or imported, not synthesised: it has no text to read again."""

    clip_id: int

    def describe(self) -> str:
        return f"clip {self.clip_id} was not made from text, so it cannot be read again"
