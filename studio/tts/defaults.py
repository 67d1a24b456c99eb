"""The default voice and setting, chosen with the intelligibility meter.

`python -m benchmarks.intelligibility` (2026-12-02; 34 bulletin sentences, faster-whisper
Whisper base listening, language vi; word error rate after normalising both texts):

    espeak-ng vi                  180 syll/min   85.2 %   <- the default
    espeak-ng vi                  140            81.4 %
    espeak-ng vi                  200            79.3 %   (--try vi,200)
    espeak-ng vi                  220            76.8 %
    espeak-ng vi                  250            76.6 %   (--try vi,250)
    espeak-ng vi-vn-x-central     180           109.5 %
    espeak-ng vi-vn-x-south       180           104.6 %
    espeak-ng vi+f3               180           106.0 %
    espeak-ng vi, pitch 35        180            87.7 %
    espeak-ng vi, word gap +3     180            89.1 %
    pyttsx3 (espeak-ng vi)        180            85.2 %
    control: espeak-ng en-us      180           239.2 %
    control: Piper en_US-joe      180           543.6 %

Every espeak-ng knob (variant, pitch, extra word gap, the regional voices) scored worse
than the plain `vi` voice, so the default tuning is none. The rate stays 180
(`speech_rate.DEFAULT_RATE`): faster read better to a recogniser hearing a clean file, but
a loudspeaker outdoors echoes, and the spread (77-85 % from 140 to 250) is small beside the gap to natural
speech. A Vietnamese neural (Piper) or domestic-platform voice is the real remedy; the
compose panel says how to install one (studio.tts.speaker).
"""

from __future__ import annotations

from studio.tts.espeak_tuning import NO_TUNING, EspeakTuning
from studio.tts.speech_rate import DEFAULT_RATE

DEFAULT_VOICE = "vi"
DEFAULT_TUNING: EspeakTuning = NO_TUNING

__all__ = ["DEFAULT_RATE", "DEFAULT_TUNING", "DEFAULT_VOICE"]
