"""Voices as the officer reads them: "Giọng miền Bắc" rather than the engine's own
"Vietnamese (Northern)". The accent comes from the core (`Voice.accent`); a voice whose
engine does not say keeps its own name after "Giọng tiếng Việt"; a domestic platform's
voice says its accent, gender, platform and speaker ("Giọng miền Bắc, nữ: FPT.AI Ban Mai").
Any thread that has a
QCoreApplication (translation only), no widgets.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from studio.tts.engines import Voice, VoiceAccent
from studio.tts.providers.adapters import ADAPTERS, adapter_for
from studio.tts.providers.base import Gender


def voice_label(voice: Voice) -> str:
    translate = QCoreApplication.translate
    names = {
        VoiceAccent.NORTHERN: translate("VoiceNames", "Northern voice"),
        VoiceAccent.CENTRAL: translate("VoiceNames", "Central voice"),
        VoiceAccent.SOUTHERN: translate("VoiceNames", "Southern voice"),
    }
    if voice.engine in ADAPTERS:
        adapter = adapter_for(voice.engine)
        code = voice.id.partition(":")[2]
        spoken = next((v for v in adapter.voices if v.id == code), None)
        if spoken is not None:
            gender = (translate("VoiceNames", "female") if spoken.gender is Gender.FEMALE
                      else translate("VoiceNames", "male"))
            return (translate("VoiceNames", "%1, %2: %3").replace("%1", names[spoken.accent])
                    .replace("%2", gender).replace("%3", f"{adapter.label} {spoken.name}"))
    if voice.engine == "piper":  # an installed neural voice: its language and region, as its pack says
        where = ", ".join(part for part in (voice.language_name or ",".join(voice.languages), voice.country) if part)
        return translate("VoiceNames", "Neural voice %1 (%2)").replace("%1", voice.name).replace("%2", where)
    if voice.accent is None:
        return translate("VoiceNames", "Vietnamese voice: %1").replace("%1", voice.name)
    return names[voice.accent]


def voice_labels(voices: list[Voice]) -> list[str]:
    """One label per voice; two voices of one accent (two engines, a male and a female
    voice) are told apart by the engine's own name in brackets."""
    labels = [voice_label(v) for v in voices]
    return [f"{label} ({v.name})" if labels.count(label) > 1 else label for label, v in zip(labels, voices)]
