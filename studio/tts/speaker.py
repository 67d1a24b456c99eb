"""Which voice will speak, and whether a better one could be installed (the compose panel
shows both; a rule without a window, so it lives here).

`speaking_voice(voices, chosen)`: the voice `chosen` names, or for "" (the default) the one
`EngineSet` uses: the system engine's first Vietnamese voice, else the first Vietnamese
Piper voice. `has_natural_voice(voices)`: a Vietnamese neural (Piper) or domestic-platform
voice is among them; where none is, espeak-ng speaks, whose WER on the intelligibility
meter is far higher (studio.tts.defaults).
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.tts.engines import Voice
from studio.tts.providers.adapters import ADAPTERS

NEURAL_ENGINES = ("piper",)


def is_natural(voice: Voice) -> bool:
    return voice.engine in ADAPTERS or (voice.engine in NEURAL_ENGINES and voice.vietnamese)


def speaking_voice(voices: Sequence[Voice], chosen: str) -> Voice | None:
    if chosen:
        return next((v for v in voices if v.id == chosen), None)
    system = [v for v in voices if v.vietnamese and v.engine not in ADAPTERS and v.engine not in NEURAL_ENGINES]
    if system:
        return system[0]
    return next((v for v in voices if v.vietnamese and v.engine in NEURAL_ENGINES), None)


def has_natural_voice(voices: Sequence[Voice]) -> bool:
    return any(is_natural(v) for v in voices)
