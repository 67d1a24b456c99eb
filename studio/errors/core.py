"""Typed errors of the studio's own work: audio and clips, storage, accounts,
programmes and schedules (receivers: `studio.errors.receivers`; text to speech:
`studio.errors.speech`). Data only, no UI text. Thread-safe: plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class StudioError(Exception):
    """Base of every error a user can cause or fix (bad input, missing item, full disk).

    Subclasses are dataclasses whose fields are the data; they override `describe()`.
    The dataclass `__init__` of a subclass calls `__post_init__` below, which makes the
    one-line summary the exception's message (its args, tracebacks, logs); `str()` of any
    of them, dataclass or not, is `describe()`.
    """

    def __post_init__(self) -> None:
        super().__init__(self.describe())

    def describe(self) -> str:
        return Exception.__str__(self)

    def __str__(self) -> str:
        return self.describe()


@dataclass
class AudioFileError(StudioError):
    """A file that cannot become a clip; `reason` says why in a few technical words."""

    path: Path
    reason: str

    def describe(self) -> str:
        return f"{self.path}: {self.kind}: {self.reason}"

    kind = "audio file error"


class UnsupportedAudio(AudioFileError):
    kind = "unsupported audio"


class EmptyAudio(AudioFileError):
    kind = "empty audio"


class TruncatedAudio(AudioFileError):
    kind = "truncated audio"


class CorruptAudio(AudioFileError):
    kind = "corrupt audio"


class MislabeledAudio(AudioFileError):
    kind = "mislabeled audio"


class AudioTooLarge(AudioFileError):
    kind = "audio too large"


@dataclass
class ClipNotFound(StudioError):
    clip_id: int

    def describe(self) -> str:
        return f"no clip with id {self.clip_id}"


@dataclass
class InvalidEdit(StudioError):
    """An edit list that does not fit its clip (times outside it, in after out, …)."""

    clip_id: int | None
    reason: str

    def describe(self) -> str:
        who = f"clip {self.clip_id}: " if self.clip_id is not None else ""
        return f"{who}invalid edit: {self.reason}"


@dataclass
class NothingToUndo(StudioError):
    clip_id: int
    direction: str  # "undo" or "redo"

    def describe(self) -> str:
        return f"clip {self.clip_id}: nothing to {self.direction}"


@dataclass
class UnsupportedOutput(StudioError):
    path: Path

    def describe(self) -> str:
        return f"{self.path}: output format not supported (use .opus, .mp3 or .wav)"


@dataclass
class SilentAudio(StudioError):
    """Audio with no measurable programme loudness cannot be normalised."""

    clip_id: int | None

    def describe(self) -> str:
        who = f"clip {self.clip_id}" if self.clip_id is not None else "audio"
        return f"{who} is silent after editing: nothing to normalise"


@dataclass
class StorageError(StudioError):
    """Writing to disk failed (disk full, permission, read-only medium)."""

    path: Path
    reason: str

    def describe(self) -> str:
        return f"{self.path}: cannot write: {self.reason}"


@dataclass
class DatabaseTooNew(StudioError):
    path: Path
    found: int
    supported: int

    def describe(self) -> str:
        return (
            f"{self.path}: database schema version {self.found} is newer than this "
            f"program supports ({self.supported}); update the studio"
        )


class Cancelled(StudioError):
    """A long job stopped because its cancel flag was set."""

    def describe(self) -> str:
        return "cancelled"


@dataclass
class InvalidPreference(StudioError):
    """A setting with a value the studio cannot use."""

    name: str
    value: str

    def describe(self) -> str:
        return f"setting {self.name!r} has an unusable value: {self.value}"


class DeviceProblem(Enum):
    NOT_FOUND = "not found"
    BUSY = "busy"
    PERMISSION = "permission denied"
    UNPLUGGED = "unplugged"
    OTHER = "other"


@dataclass
class AudioDeviceError(StudioError):
    """The sound device cannot be used; `reason` is PortAudio's own words, `problem` the
    kind of trouble (the UI words its message by kind)."""

    device: str
    reason: str
    problem: DeviceProblem = DeviceProblem.OTHER

    def describe(self) -> str:
        return f"sound device {self.device or '(default)'}: {self.reason}"


@dataclass
class UnknownUser(StudioError):
    username: str

    def describe(self) -> str:
        return f"no account named {self.username!r}"


@dataclass
class AccessDenied(StudioError):
    """Wrong password, a disabled account, or a role that may not do this."""

    username: str
    reason: str

    def describe(self) -> str:
        return f"{self.username}: {self.reason}"


@dataclass
class LastAdmin(StudioError):
    """A change that would leave no enabled admin account (nobody could manage accounts)."""

    username: str

    def describe(self) -> str:
        return f"{self.username} is the last enabled admin"


@dataclass
class NotFound(StudioError):
    """A programme, zone or slot that does not exist (kind says which)."""

    kind: str
    key: str

    def describe(self) -> str:
        return f"no {self.kind} {self.key}"


@dataclass
class NothingToReplay(StudioError):
    """No loudspeaker of a zone or receiver played anything on a day (or it left the archive)."""

    scope: str  # "zone <name>" or "receiver <name>"
    day: str

    def describe(self) -> str:
        return f"nothing played for {self.scope} on {self.day} (or it is older than the archive keeps)"


@dataclass
class ArchivedMediaMissing(StudioError):
    """A file the archive names is no longer in the media store (removed by hand, disk fault)."""

    sha256: str
    item: str

    def describe(self) -> str:
        return f"media {self.sha256[:12]} of {self.item} is not in the media store"


@dataclass
class InvalidProgramme(StudioError):
    """A programme that cannot be built as asked (empty, unknown clip, bad item)."""

    reason: str

    def describe(self) -> str:
        return f"programme: {self.reason}"


class StreamItemProblem(Enum):
    """Why a stream item ("tiếp sóng") cannot be made: the window names each in words."""

    NOT_A_URL = "not-a-url"  # not http:// or https://, or too long
    BAD_DURATION = "bad-duration"  # not a length, or not in (0, 24 h]
    SECOND_STREAM = "second-stream"  # a programme relays at most one stream


@dataclass
class InvalidStreamItem(InvalidProgramme):
    """A stream item that breaks one of the rules of `studio.programmes.model.stream_item`."""

    problem: StreamItemProblem


class StreamFailure(Enum):
    UNREACHABLE = "unreachable"  # refused, DNS, timeout, an HTTP error, nothing sent
    NOT_AUDIO = "not-audio"  # it answered, but with nothing the studio can decode


@dataclass
class ApprovalError(StudioError):
    """A workflow step out of order (approve a draft, submit an approved programme, or
    approve audio that changed after it was submitted)."""

    programme_id: int
    state: str
    reason: str

    def describe(self) -> str:
        return f"programme {self.programme_id} ({self.state}): {self.reason}"


@dataclass
class InvalidSchedule(StudioError):
    """A slot, recurrence rule, time window or policy value that cannot be used."""

    field: str
    reason: str

    def describe(self) -> str:
        return f"{self.field}: {self.reason}"


@dataclass
class ZoneInUse(StudioError):
    """A zone that broadcasts or receivers still use cannot be deleted."""

    zone_id: int
    slots: int
    receivers: int

    def describe(self) -> str:
        return f"zone {self.zone_id} is used by {self.slots} broadcasts and {self.receivers} receivers"


@dataclass
class AuditChainBroken(StudioError):
    """The audit log's hash chain breaks at `row_id`: that row or the one before it was
    changed or deleted. `reason`: "hash", "link" or "unhashed" (studio.accounts.audit_chain)."""

    row_id: int
    reason: str

    def describe(self) -> str:
        return f"the audit log was altered: the chain breaks at row {self.row_id} ({self.reason})"
