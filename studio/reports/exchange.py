"""The statistics as CSV and as JSON for the provincial source-information system.

`report_json(report)` is the documented shape (docs/architecture.md, "Reports"):
`{"schema": "crs-report/1", "period": {"from", "to"}, "scope": {...}, "totals": {...},
"planned_vs_played": {"planned", "played", "differences": {reason: count}},
"hours_by_language": {code: hours}, "hours_by_month_category": [{"month", "category",
"hours"}], "zones": [...], "receivers": [...], "faults": [...]}` — hours as numbers,
availability as a share 0..1 (null when unknown), dates as ISO text.

The province's API is not public: `ProvincialAdapter` is the interface a connector
implements; `OutboxAdapter` writes each report as a JSON file into an outbox folder (for
whatever carries it on), atomically, named by period and time of sending. Blocking.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Protocol

from studio.reports.statistics import Report
from studio.reports.tables import tables

SCHEMA = "crs-report/1"


def report_json(report: Report) -> dict:
    scope = report.scope
    return {
        "schema": SCHEMA,
        "period": {"from": scope.first_day.isoformat(), "to": scope.last_day.isoformat()},
        "scope": {"zones": list(scope.zones), "receivers": list(scope.receivers),
                  "categories": list(scope.categories), "languages": list(scope.languages)},
        "totals": {"sessions": report.sessions, "hours": round(report.hours, 4),
                   "speaker_hours": round(report.speaker_hours, 4), "emergencies": report.emergencies,
                   "ethnic_language_hours": round(report.ethnic_hours, 4),
                   "availability": None if report.availability is None else round(report.availability, 4),
                   "faults": len(report.faults)},
        "planned_vs_played": {"planned": report.planned, "played": report.played,
                              "differences": dict(sorted(report.differences.items()))},
        "hours_by_language": {code: round(hours, 4) for code, hours in report.hours_by_language.items()},
        "hours_by_month_category": [{"month": month, "category": category, "hours": round(hours, 4)}
                                    for (month, category), hours in report.hours_by_month_category.items()],
        "zones": [{"zone": name, "sessions": sessions, "hours": round(hours, 4)}
                  for name, (sessions, hours) in report.sessions_by_zone.items()],
        "receivers": [{"id": r.receiver, "name": r.name, "zone": r.zone,
                       "availability": None if r.availability is None else round(r.availability, 4),
                       "plays": r.plays, "failed": r.failed, "silent": r.silent} for r in report.receivers],
        "faults": [{"receiver": f.receiver, "item": f.item, "title": f.title, "scheduled": f.scheduled,
                    "outcome": f.outcome, "level_dbfs": f.level_dbfs, "reason": f.reason} for f in report.faults],
    }


def write_json(report: Report, path: Path) -> Path:
    _atomic_write(path, json.dumps(report_json(report), ensure_ascii=False, indent=2))
    return path


def write_csv(report: Report, path: Path) -> Path:
    """Long format, one figure a line: table, its row's labels, the column, the value."""
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads UTF-8
        out = csv.writer(handle)
        out.writerow(("bang", "dong", "cot", "gia_tri"))
        for table in tables(report):
            for row in table.rows:
                label = " / ".join(str(v) for v in row[:1])
                for header, value in zip(table.headers[1:], row[1:]):
                    out.writerow((table.key, label, header, "" if value is None else
                                  value.isoformat() if hasattr(value, "isoformat") else value))
    return path


def _atomic_write(path: Path, text: str) -> None:
    staging = path.with_name(path.name + ".part")
    with open(staging, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staging, path)


class ProvincialAdapter(Protocol):
    """Sends a report to the province's source-information system."""

    def send(self, report: Report, sent_at: datetime) -> str:
        """Send; returns a reference to what was sent (a file name, a receipt id)."""
        ...


class OutboxAdapter:
    """Today's connector: the report's JSON as a file in an outbox folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, report: Report, sent_at: datetime) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        scope = report.scope
        name = f"bao-cao_{scope.first_day:%Y%m%d}-{scope.last_day:%Y%m%d}_{sent_at:%Y%m%dT%H%M%S}.json"
        write_json(report, self.folder / name)
        return name
