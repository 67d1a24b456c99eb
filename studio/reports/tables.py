"""A report's figures as named tables of typed values (numbers as numbers, dates as dates):
what the XLSX sheets, the CSV and the PDF's tables are written from. Any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from studio.clock import VIETNAM
from studio.reports.document import language_name, outcome_name
from studio.reports.statistics import Report


@dataclass(frozen=True)
class Table:
    key: str  # a stable id (JSON, CSV)
    title: str  # the Vietnamese sheet / section title
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]


def local_time(stamp: str | None) -> datetime | None:
    """A stored UTC instant as naive Vietnam wall time (how spreadsheets hold a date-time)."""
    if not stamp:
        return None
    return datetime.fromisoformat(stamp).astimezone(VIETNAM).replace(tzinfo=None, microsecond=0)


def summary_rows(report: Report) -> tuple[tuple, ...]:
    return (
        ("Từ ngày", report.scope.first_day),
        ("Đến ngày", report.scope.last_day),
        ("Số buổi phát", report.sessions),
        ("Số giờ phát", round(report.hours, 3)),
        ("Số giờ phát của các cụm loa (cộng dồn)", round(report.speaker_hours, 3)),
        ("Số lượt phát theo kế hoạch", report.planned),
        ("Số lượt đã phát theo kế hoạch", report.played),
        ("Số buổi phát khẩn cấp", report.emergencies),
        ("Số giờ phát tiếng dân tộc thiểu số", round(report.ethnic_hours, 3)),
        ("Tỷ lệ hoạt động của thiết bị (%)", None if report.availability is None
         else round(report.availability * 100, 1)),
        ("Số lượt cụm loa phát im lặng hoặc lỗi", len(report.faults)),
    )


def tables(report: Report) -> tuple[Table, ...]:
    months = sorted({month for month, _ in report.hours_by_month_category})
    categories = sorted({category for _, category in report.hours_by_month_category})
    by_month = tuple(
        (date.fromisoformat(month + "-01"), category or "Chưa phân loại",
         round(report.hours_by_month_category[(month, category)], 3))
        for month in months for category in categories if (month, category) in report.hours_by_month_category)
    return (
        Table("summary", "Tổng hợp", ("Chỉ tiêu", "Giá trị"), summary_rows(report)),
        Table("hours_by_month_category", "Giờ phát theo tháng", ("Tháng", "Chuyên mục", "Số giờ"), by_month),
        Table("planned_vs_played", "Kế hoạch và thực tế", ("Kết quả", "Số lượt"),
              (("Đã phát", report.played),)
              + tuple((outcome_name(reason), count) for reason, count in sorted(report.differences.items()))),
        Table("hours_by_language", "Theo ngôn ngữ", ("Ngôn ngữ", "Số giờ"),
              tuple((language_name(code), round(hours, 3)) for code, hours in report.hours_by_language.items())),
        Table("zones", "Theo thôn", ("Thôn / khu vực", "Số buổi phát", "Số giờ"),
              tuple((name or "—", sessions, round(hours, 3)) for name, (sessions, hours) in
                    report.sessions_by_zone.items())),
        Table("receivers", "Thiết bị", ("Cụm loa", "Thôn", "Tỷ lệ hoạt động (%)", "Số lượt đã phát",
                                        "Số lượt lỗi", "Số lượt im lặng"),
              tuple((r.name, r.zone, None if r.availability is None else round(r.availability * 100, 1), r.plays,
                     r.failed, r.silent) for r in report.receivers)),
        Table("faults", "Sự cố phát", ("Cụm loa", "Chương trình", "Giờ dự kiến", "Kết quả", "Mức âm (dBFS)",
                                       "Chi tiết"),
              tuple((f.receiver, f.title or f.item, local_time(f.scheduled), outcome_name(f.outcome), f.level_dbfs,
                     f.reason or "") for f in report.faults)),
    )
