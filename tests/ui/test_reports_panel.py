"""Báo cáo through the real window over a year of as-run rows (benchmarks/reports.py's
fill): the figures and charts of the year, a drill-down from a bar to its entries, the
proof of one broadcast, an export written off the UI thread; screenshots at 1366x768 and
1024x768 for eyes (tests/artifacts/screens/)."""

from __future__ import annotations

from PySide6.QtCore import QDate

from benchmarks.reports import fill
from tests.ui.test_screenshots import SCREENS, pixels


def test_reports_area_figures_drill_down_proof_and_export(qtbot, studio_window, tmp_path):
    window = studio_window
    year = window.services.clock.today().year - 1
    fill(window.services.library().conn, year=year)
    panel = window.reports_panel
    panel.first.setDate(QDate(year, 1, 1))
    panel.last.setDate(QDate(year, 12, 31))
    window.show_area("reports")
    panel.refresh()
    qtbot.waitUntil(lambda: panel.report is not None and panel.report.scope.first_day.year == year
                    and window.runner.active_count() == 0, timeout=30000)
    report = panel.report
    assert report.planned == 73000 and f"{report.sessions} " in panel.summary.text()
    assert len(panel.charts.months.keys) == 12 and len(panel.charts.availability.keys) == 50
    assert panel.charts.planned.keys[0] == "played" and "missed" in panel.charts.planned.keys

    panel.charts.planned.bar_clicked.emit("missed")  # what a click on the bar emits
    qtbot.waitUntil(lambda: window.runner.active_count() == 0 and panel.table.rowCount() > 0
                    and panel.filter_label.text() != "Tất cả lượt phát", timeout=15000)
    assert panel.table.rowCount() == min(report.differences["missed"], 2000)
    assert {panel.table.item(r, 4).text() for r in range(panel.table.rowCount())} == {"bị lỡ (máy thu tắt)"}

    panel.table.selectRow(0)
    assert "Chứng nhận phát" in panel.proof.toHtml() and "Cụm loa" in panel.proof.toPlainText()

    for width, height in ((1366, 768), (1024, 768)):
        window.resize(width, height)
        qtbot.wait(100)
        SCREENS.mkdir(parents=True, exist_ok=True)
        image = window.grab().toImage()
        assert image.save(str(SCREENS / f"area-reports-{width}x{height}.png"))
        assert pixels(image).std() > 5  # while `image` holds the pixels the array views

    out = tmp_path / "bao-cao.xlsx"
    with qtbot.waitSignal(panel.report_exported, timeout=20000):
        panel.export("xlsx", str(out))
    assert out.stat().st_size > 10000
