"""The Báo cáo area's archive tab, the category list and the report header, on the real
window and database: play-log entries recorded by the fleet's own writer (with the files
they played, rendered into the media store) are listed for a zone's day, heard through
the preview output and saved as WAV; only an admin edits the categories, and each change
is in the audit log; the header set in Settings is what the PDF export prints."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
import soundfile as sf
from PySide6.QtCore import QDate

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import OutputFormat, RenderSettings
from studio.clock import VIETNAM
from studio.library import now_utc
from studio.rendering import Renderer
from studio.reports.asrun import record_entries
from studio.reports.categories import Categories
from studio.reports.replay import REPLAY_RATE
from tests.support.tools import write_audio
from tests.ui.test_screenshots import SCREENS, pixels


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def screenshot(widget, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    image = widget.grab().toImage()
    assert image.save(str(SCREENS / f"{name}.png"))
    assert pixels(image).std() > 5


def test_archive_tab_lists_a_village_day_plays_it_and_saves_it(qtbot, studio_window, tmp_path):
    window = studio_window
    library = window.services.library()
    conn = library.conn
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(3.0, seed=8),
                                           subtype="PCM_16")).clip.id
    sha = Renderer(library).render_clip(clip, OutputFormat.OPUS, RenderSettings()).output_sha256
    zone = conn.execute("INSERT INTO zones (name, kind, language, policy_json, created_at) "
                        "VALUES ('Thôn Đắk Ơ', 'village', 'vi', '{}', ?)", (now_utc(),)).lastrowid
    receiver = conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) "
                            "VALUES ('rx-1', 'Cụm loa chợ', 'http://127.0.0.1:1', ?, ?)", (zone, now_utc())).lastrowid
    day = window.services.clock.today() - timedelta(days=1)
    base = datetime(day.year, day.month, day.day, 6, 0, tzinfo=VIETNAM)

    def entry(seq, minute, outcome, seconds, title):
        start = base + timedelta(minutes=minute)
        return {"seq": seq, "item": f"s{seq}-z{zone}-{start:%Y%m%dT%H%M%S}", "media": [sha], "priority": "normal",
                "scheduled": start.isoformat(), "title": title, "outcome": outcome, "level_dbfs": -18.0,
                "started": start.isoformat() if seconds else None,
                "ended": (start + timedelta(seconds=seconds)).isoformat() if seconds else None}

    record_entries(conn, receiver, [entry(1, 0, "played", 3.0, "Bản tin sáng"),
                                    entry(2, 30, "interrupted", 1.0, "Thông báo tiêm chủng"),
                                    entry(3, 60, "missed", 0, "Lịch cúp điện")])
    window.show_area("reports")
    panel = window.reports_panel
    panel.tabs.setCurrentIndex(1)
    archive = panel.archive
    idle(qtbot, window)
    archive.day.setDate(QDate(day.year, day.month, day.day))
    archive.where.setCurrentIndex(archive.where.findData("zone:Thôn Đắk Ơ"))
    with qtbot.waitSignal(archive.day_shown, timeout=15000):
        archive.show_day()
    assert archive.table.rowCount() == 3
    assert [archive.table.item(r, 3).text() for r in range(3)] == ["đã phát", "bị ngắt (khẩn cấp)",
                                                                   "bị lỡ (máy thu tắt)"]
    assert "2 " in archive.summary.text()
    archive.text.setText("tiêm")
    assert archive.table.rowCount() == 1 and archive.table.item(0, 2).text() == "Thông báo tiêm chủng"
    archive.text.setText("")
    for width, height in ((1366, 768), (1024, 768)):
        window.resize(width, height)
        qtbot.wait(100)
        screenshot(window, f"area-reports-archive-{width}x{height}")

    with qtbot.waitSignal(window.preview.started, timeout=20000):
        archive.listen(selected=False)  # through the studio's preview output
    archive.stop.click()
    out = tmp_path / "ngay.wav"
    with qtbot.waitSignal(archive.replay_saved, timeout=20000):
        archive.save_day(str(out))
    samples, rate = sf.read(str(out))
    assert rate == REPLAY_RATE
    assert len(samples) == pytest.approx(REPLAY_RATE * (3.0 + 1.0 + 1.0), abs=REPLAY_RATE * 0.1)


def test_only_an_admin_edits_the_categories_in_the_window(qtbot, studio_window):
    window = studio_window
    panel = window.reports_panel
    accounts = Accounts(window.services.library().conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    editor = accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    window.show_area("reports")
    idle(qtbot, window)
    assert panel.open_categories() is None  # nobody signed in
    window.services.user = editor
    assert panel.open_categories() is None and "quản trị" in panel.summary.text()
    window.services.user = admin
    dialog = panel.open_categories()
    idle(qtbot, window)
    assert dialog.list.count() == 7 and dialog.list.item(0).text() == "Thời sự – chính sách"
    dialog.add("Văn hóa – xã hội")
    idle(qtbot, window)
    dialog.select("Văn hóa – xã hội")
    dialog.rename("Văn hóa")
    idle(qtbot, window)
    dialog.select("Y tế")
    assert dialog.retire_button.text() == "Ngừng dùng"
    dialog.toggle_retired()
    idle(qtbot, window)
    categories = Categories(window.services.library().conn)
    assert "Văn hóa" in [c.name for c in categories.all()] and "Y tế" not in [c.name for c in categories.all()]
    assert categories.get("Y tế").retired
    assert any(dialog.list.item(r).text() == "Y tế (ngừng dùng)" for r in range(dialog.list.count()))
    dialog.add("Văn hóa")  # a duplicate: refused, nothing changes
    idle(qtbot, window)
    assert [c.name for c in categories.all(retired=True)].count("Văn hóa") == 1
    actions = [(e.username, e.action) for e in accounts.history() if e.action.startswith("category-")]
    assert actions == [("quantri", "category-add"), ("quantri", "category-rename"), ("quantri", "category-retire")]
    qtbot.waitExposed(dialog)
    screenshot(dialog, "categories-dialog")
    dialog.close()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_header_set_in_settings_is_what_the_pdf_export_prints(qtbot, studio_window, data_dir, tmp_path):
    window = studio_window
    dialog = window.open_settings()
    dialog.header["report_authority"].setText("UBND huyện Bù Gia Mập")
    dialog.header["report_commune"].setText("UBND xã Đắk Ơ")
    dialog.header["report_number"].setText("31/BC-UBND")
    dialog.header["report_place"].setText("Đắk Ơ")
    dialog.header["report_signer"].setText("Nguyễn Thị Hằng")
    dialog.archive_months.setValue(18)
    qtbot.waitExposed(dialog)
    screenshot(dialog, "settings-report-header")
    dialog.accept()
    saved = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert saved["report_commune"] == "UBND xã Đắk Ơ" and saved["archive_months"] == 18
    window.show_area("reports")
    idle(qtbot, window)
    out = tmp_path / "bao-cao.pdf"
    with qtbot.waitSignal(window.reports_panel.report_exported, timeout=20000):
        window.reports_panel.export("pdf", str(out))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("UBND HUYỆN BÙ GIA MẬP", "UBND XÃ ĐẮK Ơ", "Số: 31/BC-UBND", "Đắk Ơ, ngày", "Nguyễn Thị Hằng"):
        assert expected in text, expected


def test_an_editor_sets_a_programme_category_in_the_programmes_area(qtbot, studio_window, tmp_path):
    from studio.programmes.model import Item, Spec

    window = studio_window
    library = window.services.library()
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(2.0, seed=9),
                                           subtype="PCM_16")).clip.id
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    window.services.user = accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    Categories(library.conn).retire("An ninh trật tự", admin)
    window.show_area("programmes")
    panel = window.programmes_panel
    idle(qtbot, window)
    panel.create("Bản tin sáng", Spec((Item(clip=clip),)))
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.title == "Bản tin sáng", timeout=10000)
    idle(qtbot, window)
    choice = panel.category
    offered = [choice.itemData(i) for i in range(choice.count())]
    assert offered[0] is None and "Y tế" in offered and "An ninh trật tự" not in offered  # retired: not offered
    with qtbot.waitSignal(choice.category_set, timeout=10000):
        choice.setCurrentIndex(choice.findData("Y tế"))
        choice.choose("Y tế")  # what picking it in the list does
    programme_id = panel.current.id
    assert library.conn.execute("SELECT c.name FROM programmes p JOIN programme_categories c ON c.id = p.category_id "
                                "WHERE p.id = ?", (programme_id,)).fetchone()[0] == "Y tế"
    entry = [e for e in accounts.history() if e.action == "programme-category"][-1]
    assert entry.username == "bientap" and entry.object_id == programme_id
