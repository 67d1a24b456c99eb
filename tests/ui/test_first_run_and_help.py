"""The first steps show on the first start of a data folder and never again once
dismissed; Help opens the Vietnamese user guide inside the window, the same text as
docs/huong-dan-su-dung.md (its one source)."""

from __future__ import annotations

from pathlib import Path

from studio.paths import StudioPaths
from studio.preferences import load_preferences
from tests.support.ui import open_window
from ui.resources import user_guide

DOCS = Path(__file__).resolve().parents[2] / "docs" / "huong-dan-su-dung.md"


def test_the_first_run_guide_shows_once(qtbot, data_dir):
    with open_window(qtbot, data_dir) as window:
        window.show()
        qtbot.waitExposed(window)
        guide = window.first_run_guide
        assert guide is not None and guide.isVisible()
        assert "Bước đầu" in guide.label.text() and "phát hành" in guide.label.text()
        guide.label.linkActivated.emit("schedule")
        assert window.stack.currentWidget() is window.schedule_panel
        guide.dismiss_button.click()
        assert not guide.isVisible()
    assert load_preferences(StudioPaths.at(data_dir).settings_file).first_run_guide_seen
    with open_window(qtbot, data_dir) as window:
        assert window.first_run_guide is None


def test_help_opens_the_vietnamese_guide_from_its_one_source(qtbot, studio_window):
    assert user_guide().is_file(), "run installers/build_translations.py (it copies the guide)"
    assert user_guide().read_text(encoding="utf-8") == DOCS.read_text(encoding="utf-8")
    window = studio_window
    action = next(a for a in window.menuBar().actions()[-1].menu().actions() if a.text() == "Hướng dẫn sử dụng")
    action.trigger()
    dialog = window.guide
    qtbot.waitExposed(dialog)
    text = dialog.browser.toPlainText()
    assert "Hướng dẫn sử dụng Studio Truyền thanh xã" in text and "Lịch phát" in text
    assert "##" not in text  # rendered as Markdown, not shown as source
