"""Making a report: the statistics of a period and scope, written in one format.

`export(conn, scope, fmt, path, header, now)` is what the CLI and the window's export both
call (the window off the UI thread). Formats: `ReportFormat`. Blocking; the caller's
connection, i.e. its thread.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from studio.clock import VIETNAM
from studio.reports.document import Header
from studio.reports.statistics import Report, Scope, compute


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"
    CSV = "csv"
    JSON = "json"


def year_scope(year: int, zones: tuple[int, ...] = ()) -> Scope:
    return Scope(date(year, 1, 1), date(year, 12, 31), zones=zones)


def write(report: Report, fmt: ReportFormat, path: Path, header: Header, issued: date,
          title: str | None = None) -> Path:
    if fmt is ReportFormat.XLSX:
        from studio.reports.xlsx_export import write_xlsx

        return write_xlsx(report, path)
    if fmt is ReportFormat.PDF:
        from studio.reports.pdf_export import write_pdf

        return write_pdf(report, path, header, issued, title)
    if fmt is ReportFormat.CSV:
        from studio.reports.exchange import write_csv

        return write_csv(report, path)
    from studio.reports.exchange import write_json

    return write_json(report, path)


def export(conn: sqlite3.Connection, scope: Scope, fmt: ReportFormat, path: Path, header: Header,
           now: datetime, title: str | None = None) -> Report:
    report = compute(conn, scope, now)
    write(report, fmt, path, header, header.issued or now.astimezone(VIETNAM).date(), title)
    return report
