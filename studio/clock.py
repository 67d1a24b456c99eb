"""One clock for the studio: what "now" and "today" are, in Vietnam's wall time.

A commune's day starts at midnight in Asia/Ho_Chi_Minh, whatever zone the PC's clock is
set to (a field PC is often left in UTC or US Pacific). Everything in `studio/` and `ui/`
asks a `Clock` for the time instead of calling `date.today()` or a naive
`datetime.now()`; tests hand in a `ManualClock` they drive. Stored instants are UTC ISO
8601 text (`stamp()`); what the officer reads is Vietnam time (`local_text()`).

Thread-safe: `Clock` holds no state; `ManualClock` guards its instant with a lock.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

TIMEZONE = "Asia/Ho_Chi_Minh"
VIETNAM = ZoneInfo(TIMEZONE)


class Clock:
    """The host's clock, read in Asia/Ho_Chi_Minh."""

    zone = VIETNAM

    def utc_now(self) -> datetime:
        return datetime.now(UTC)

    def now(self) -> datetime:
        """Aware, in Asia/Ho_Chi_Minh."""
        return self.utc_now().astimezone(VIETNAM)

    def today(self) -> date:
        """The commune's date (not the host's)."""
        return self.now().date()

    def local_now(self) -> datetime:
        """Naive Vietnam wall time, as the schedule stores it."""
        return self.now().replace(tzinfo=None)

    def stamp(self) -> str:
        """The instant as stored in the database: UTC, ISO 8601, milliseconds."""
        return self.utc_now().isoformat(timespec="milliseconds")


class ManualClock(Clock):
    """A clock the caller sets and moves: tests, and benchmarks that replay a day."""

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._at = _require_aware(at)

    def utc_now(self) -> datetime:
        with self._lock:
            return self._at.astimezone(UTC)

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = _require_aware(at)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._at += timedelta(seconds=seconds)


def _require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at!r} has no time zone; give an aware datetime")
    return at


def aware(local: datetime) -> datetime:
    """Attach Asia/Ho_Chi_Minh to a naive wall time (an aware one is converted)."""
    if local.tzinfo is not None:
        return local.astimezone(VIETNAM)
    return local.replace(tzinfo=VIETNAM)


def to_local(moment: datetime) -> datetime:
    """Naive Vietnam wall time of an aware instant."""
    return _require_aware(moment).astimezone(VIETNAM).replace(tzinfo=None)


def parse_stamp(text: str) -> datetime:
    """An aware instant from stored ISO text (a naive one is taken as UTC, as stored)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_text(stamp: str | datetime | None, fmt: str = "%d/%m/%Y %H:%M", missing: str = "—") -> str:
    """A stored instant as the officer reads it: Vietnam time in `fmt`."""
    if stamp is None or stamp == "":
        return missing
    moment = parse_stamp(stamp) if isinstance(stamp, str) else _require_aware(stamp)
    return moment.astimezone(VIETNAM).strftime(fmt)


class VietnamLogFormatter(logging.Formatter):
    """Log lines stamped in Vietnam time (logging's default is the host's zone), so the log
    the officer reads or sends agrees with the window."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        moment = datetime.fromtimestamp(record.created, VIETNAM)
        if datefmt:
            return moment.strftime(datefmt)
        return moment.strftime("%Y-%m-%d %H:%M:%S") + f",{int(record.msecs):03d}"
