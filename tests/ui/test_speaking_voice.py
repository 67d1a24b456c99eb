"""The compose panel says which voice will speak ("Đọc bằng: …") and, with no Vietnamese
neural or domestic voice installed, how to get one (issue 17); through the real window and
the real local engine. The rule itself (studio.tts.speaker) is checked on voice values."""

from __future__ import annotations

from studio.tts.engines import Voice
from studio.tts.speaker import has_natural_voice, speaking_voice
from tests.ui.test_compose_panel import open_compose

ESPEAK = [Voice("vi", "Vietnamese (Northern)", ("vi",), "espeak-ng"),
          Voice("vi-vn-x-south", "Vietnamese (Southern)", ("vi-vn-x-south",), "espeak-ng")]
PIPER_VI = Voice("piper:vi_VN-vais1000-medium", "vi_VN-vais1000-medium", ("vi_VN",), "piper")
PIPER_EN = Voice("piper:en_US-joe-medium", "en_US-joe-medium", ("en_US",), "piper")
FPT = Voice("fpt:banmai", "banmai", ("vi",), "fpt")


def test_the_default_is_the_system_engines_first_vietnamese_voice():
    assert speaking_voice(ESPEAK + [PIPER_VI], "") == ESPEAK[0]
    assert speaking_voice([PIPER_EN, PIPER_VI], "") == PIPER_VI  # no system engine: the Vietnamese Piper voice
    assert speaking_voice(ESPEAK, "vi-vn-x-south") == ESPEAK[1]
    assert speaking_voice(ESPEAK, "gone") is None


def test_only_a_vietnamese_neural_or_domestic_voice_counts_as_natural():
    assert not has_natural_voice(ESPEAK)
    assert not has_natural_voice(ESPEAK + [PIPER_EN])  # an English neural voice does not help
    assert has_natural_voice(ESPEAK + [PIPER_VI])
    assert has_natural_voice(ESPEAK + [FPT])


def test_the_panel_names_the_voice_that_will_speak_and_how_to_get_a_better_one(qtbot, studio_window):
    panel = open_compose(qtbot, studio_window)
    text = panel.speaking.text()
    assert text.startswith(("Read by: ", "Đọc bằng: ")), text
    assert "radio-studio tts voices install FILE.onnx" in text  # no Piper or domestic voice here
    assert panel.speaking.isVisible()
    south = next(i for i in range(panel.voice.count()) if "south" in (panel.voice.itemData(i) or "").lower()
                 or "Southern" in panel.voice.itemText(i) or "miền Nam" in panel.voice.itemText(i))
    panel.voice.setCurrentIndex(south)
    assert panel.speaking.text() != text
    assert ("Southern" in panel.speaking.text() or "miền Nam" in panel.speaking.text()), panel.speaking.text()
