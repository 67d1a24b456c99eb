"""The Vietnamese catalogues are complete: every string the window shows has a finished
translation that keeps its placeholders, Qt's own buttons and dialogs read in Vietnamese,
the .qm compiler matches Qt's lrelease, and the window starts in Vietnamese."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installers"))
import build_translations  # noqa: E402
import ts_to_qm  # noqa: E402

I18N = ROOT / "ui" / "resources" / "i18n"
TS = I18N / "studio_vi.ts"
QT_TS = I18N / "qt_vi.ts"


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


@pytest.mark.parametrize("ts", [TS, QT_TS], ids=lambda p: p.name)
def test_every_vietnamese_translation_is_finished_and_keeps_placeholders(ts):
    problems = []
    for context, message in messages(ts):
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
    from ui.resources import catalogue

    if not catalogue("vi").is_file():
        pytest.fail("studio_vi.qm not built: the set-up script runs installers/build_translations.py")
    with open_window(qtbot, data_dir) as window:
        areas = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert areas == ["Thư viện", "Thu âm", "Soạn bản tin", "Chương trình", "Lịch phát", "Thiết bị",
                         "Phát trực tiếp", "Hàng đợi", "Báo cáo"]
        assert window.library.import_button.text() == "Nhập tệp…"
        assert window.windowTitle() == "Studio Truyền thanh xã"
    save_preferences(StudioPaths.at(data_dir).settings_file, Preferences(ui_language=UiLanguage.ENGLISH))
    with open_window(qtbot, data_dir) as window:
        assert window.nav.item(0).text() == "Library"


# What our catalogues do not have yet but a translator may write: disambiguations of one
# source (and the same source without one), unfinished, empty, vanished and obsolete
# entries, plurals, markup and newlines, a character outside the BMP, a second context.
EDGES = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>A</name>
    <message><source>Open</source><comment>verb</comment><translation>Mở</translation></message>
    <message><source>Open</source><comment>adjective</comment><translation>Đang mở</translation></message>
    <message><source>Open</source><translation>Mở ra</translation></message>
    <message><source>Half</source><translation type="unfinished">Nửa</translation></message>
    <message><source>Empty</source><translation type="unfinished"></translation></message>
    <message><source>Gone</source><translation type="vanished">Đi</translation></message>
    <message><source>Old</source><translation type="obsolete">Cũ</translation></message>
    <message numerus="yes"><source>%n files</source>
        <translation><numerusform>%n tệp</numerusform></translation></message>
    <message><source>Line&amp;break
two &lt;b&gt;</source><comment>only one</comment><translation>Dòng&amp;
hai &lt;b&gt; 😀</translation></message>
</context>
<context>
    <name>B</name>
    <message><source>Open</source><translation>Mở B</translation></message>
</context>
</TS>
"""


@pytest.mark.parametrize("ts", [TS, QT_TS, "edges"], ids=lambda p: getattr(p, "name", p))
def test_the_qm_compiler_writes_what_qt_lrelease_writes(ts, tmp_path):
    """The wheel build compiles with installers/ts_to_qm.py: same bytes as Qt's own tool."""
    if ts == "edges":
        ts = tmp_path / "edges_vi.ts"
        ts.write_text(EDGES, encoding="utf-8")
    reference = tmp_path / "lrelease.qm"
    subprocess.run([build_translations.tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(reference)],
                   check=True)
    ours = ts_to_qm.compile_ts(ts.read_bytes())
    assert len(ours) > 300
    assert ours == reference.read_bytes()


def test_qt_standard_buttons_and_file_dialog_read_in_vietnamese(qapp, tmp_path):
    """Qt's own strings come from qt_vi.qm (PySide6 ships no qtbase_vi): a message box's
    OK/Cancel and the (non-native) file dialog's labels, as the window installs them."""
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox

    from studio.preferences import UiLanguage
    from ui.app import install_translator

    build_translations.build_all()  # what setup-env.sh does: the .qm from the current .ts
    before = list(qapp.findChildren(QTranslator))
    try:
        assert install_translator(qapp, UiLanguage.VIETNAMESE) is not None
        button = QMessageBox.StandardButton
        buttons = (button.Ok, button.Cancel, button.Save)
        box = QMessageBox(QMessageBox.Icon.Question, "t", "?", button.Ok | button.Cancel | button.Save)
        texts = [box.button(b).text() for b in buttons]
        assert texts == ["Đồng ý", "Huỷ", "Lưu"]
        dialog = QFileDialog(None, "t", str(tmp_path))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        labels = {label.text() for label in dialog.findChildren(QLabel)}
        assert {"&Tìm trong:", "&Tên tệp:", "&Kiểu tệp:"} <= labels
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        assert save.text() == "&Lưu"
    finally:
        for translator in qapp.findChildren(QTranslator):
            if translator not in before:
                qapp.removeTranslator(translator)
                translator.deleteLater()
        install_translator(qapp, UiLanguage.ENGLISH)
