"""What espeak-ng lets us tune beyond the rate: voice variant, pitch, extra word gap.

`EspeakTuning` is a frozen value the `EspeakNgEngine` takes; `args()` builds the part of
the espeak-ng command line that picks the voice and its speed. The rate contract stays:
`SpeechSettings.rate` is syllables per minute and the engine's effective speed comes from
a calibration measured on the voice *with* the tuning (a different tuning is a different
`rate_control.parameter`, so its calibration is stored under its own key and an extra word
gap cannot make 180 syllables/min come out slower).
The values chosen by measurement are in `studio.tts.defaults`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from studio.tts.speech_rate import RateControl


@dataclass(frozen=True)
class EspeakTuning:
    variant: str = ""  # an espeak-ng variant name (`f3`, `m2`...): the voice becomes `vi+f3`
    pitch: int | None = None  # espeak-ng -p, 0..99 (its own default is 50)
    extra_gap: int = 0  # added to the word gap, in espeak's 10 ms units

    @property
    def tag(self) -> str:
        """A short name of the tuning ("" for none), part of the calibration key."""
        parts = [f"+{self.variant}" if self.variant else "", f"p{self.pitch}" if self.pitch is not None else "",
                 f"g{self.extra_gap}" if self.extra_gap else ""]
        return "".join(parts)

    def describe(self, voice_id: str) -> str:
        """As the meter prints it: "vi+f3, pitch 35, gap +3"."""
        parts = [self.voice(voice_id)] + ([f"pitch {self.pitch}"] if self.pitch is not None else [])
        return ", ".join(parts + ([f"gap +{self.extra_gap}"] if self.extra_gap else []))

    def voice(self, voice_id: str) -> str:
        return f"{voice_id}+{self.variant}" if self.variant and "+" not in voice_id else voice_id

    def args(self, voice_id: str, speed: int, gap: int) -> list[str]:
        out = ["-v", self.voice(voice_id), "-s", str(speed), "-g", str(gap + self.extra_gap)]
        if self.pitch is not None:
            out += ["-p", str(max(0, min(99, self.pitch)))]
        return out

    def rate_control(self, base: RateControl) -> RateControl:
        return replace(base, parameter=base.parameter + self.tag) if self.tag else base


NO_TUNING = EspeakTuning()
