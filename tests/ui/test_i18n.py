"""The Vietnamese catalogue is complete: every string the window shows has a finished
translation that keeps its placeholders, and the window starts in Vietnamese."""

from __future__ import annotations

import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installers"))
import build_translations  # noqa: E402

TS = ROOT / "resources" / "i18n" / "studio_vi.ts"


def messages(path: Path):
    for context in ET.parse(path).getroot().iter("context"):
        for message in context.iter("message"):
            yield context.findtext("name"), message


def test_every_string_in_ui_is_in_the_vietnamese_catalogue(tmp_path):
    fresh = tmp_path / "studio_vi.ts"
    shutil.copy(TS, fresh)
    report = build_translations.update(fresh)
    assert re.search(r"\(0 new and \d+ already existing\)", report), f"strings missing from {TS.name}:\n{report}"
    assert "obsolete" not in report, f"{TS.name} holds strings no longer used:\n{report}"


def test_every_vietnamese_translation_is_finished_and_keeps_placeholders():
    problems = []
    for context, message in messages(TS):
        source = message.findtext("source")
        translation = message.find("translation")
        forms = [f.text or "" for f in translation.findall("numerusform")] or [translation.text or ""]
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(f.strip() for f in forms):
            problems.append(f"{context}: {source!r} unfinished")
            continue
        for form in forms:
            wanted = sorted(re.findall(r"%\d|%n", source))
            if sorted(re.findall(r"%\d|%n", form)) != wanted:
                problems.append(f"{context}: {source!r} -> {form!r} placeholders differ")
            if source.count("&") != form.count("&"):
                problems.append(f"{context}: {source!r} -> {form!r} shortcut marker differs")
    assert problems == []


def test_the_window_starts_in_vietnamese_and_english_is_available(qtbot, data_dir):
    from studio.paths import StudioPaths
    from studio.preferences import Preferences, UiLanguage, save_preferences
    from tests.support.ui import open_window

    if not TS.with_suffix(".qm").exists():
        pytest.fail("studio_vi.qm not built: the set-up script runs installers/build_translations.py")
    with open_window(qtbot, data_dir) as window:
        areas = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert areas == ["Thư viện", "Thu âm", "Soạn bản tin", "Chương trình", "Lịch phát", "Thiết bị",
                         "Hàng đợi", "Báo cáo"]
        assert window.library.import_button.text() == "Nhập tệp…"
        assert window.windowTitle() == "Studio Truyền thanh xã"
    save_preferences(StudioPaths.at(data_dir).settings_file, Preferences(ui_language=UiLanguage.ENGLISH))
    with open_window(qtbot, data_dir) as window:
        assert window.nav.item(0).text() == "Library"
