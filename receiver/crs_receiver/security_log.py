"""The receiver's security log: refusals, pairing attempts and connection limits, kept apart
from the main log so that nobody without a key can forge lines in it or rotate it away.

- `clean` makes untrusted text (a request's path, a studio's name, a header) safe for one
  log line: control characters and non-ASCII are escaped (`%0A` in a path, decoded to a
  newline by aiohttp, is written `\\n`), and it is cut to a length.
- `SecurityLog.event` writes one line to the `crs_receiver.security` logger, at most
  `PER_SOURCE` lines per source per `WINDOW_S`; past that, lines from that source are
  counted and the count is written once when its window ends. The table of sources is
  bounded (`MAX_SOURCES`): a flood from many addresses shares one "other sources" budget.
- `forward` routes aiohttp's own server log (a traceback with the attacker's bytes for each
  malformed request) through the same budget, one cleaned line each;
- `attach_file` sends that logger to `logs/security.log`, rotating and size-bounded, and not
  to `receiver.log` (playback's log stays readable whatever a flood does).

Threads: `event` is called from the asyncio loop; the counters take a lock so that any thread
may call it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
import time
from pathlib import Path

log = logging.getLogger("crs_receiver.security")

WINDOW_S = 60.0
PER_SOURCE = 30
MAX_SOURCES = 256
OTHER = "other sources"
FILE_BYTES = 512 << 10
FILE_BACKUPS = 2


def clean(text: object, limit: int = 120) -> str:
    """`text` as one safe log line: printable characters kept (Vietnamese too), every other
    one escaped (`\\n`, `\\x1b`, `\\u2028`), at most `limit` characters of it (then
    `…[N chars]`)."""
    value = str(text)
    escaped = "".join(c if c.isprintable() else _ESCAPES.get(c, f"\\u{ord(c):04x}") for c in value[:limit])
    return f"{escaped}…[{len(value)} chars]" if len(value) > limit else escaped


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class SecurityLog:
    """Rate-limited security events, per source address."""

    def __init__(self, per_source: int = PER_SOURCE, window_s: float = WINDOW_S) -> None:
        self.per_source, self.window_s = per_source, window_s
        self._lock = threading.Lock()
        self._windows: dict[str, list] = {}  # source -> [window start, lines, suppressed]

    def event(self, source: str | None, message: str, *args: object, level: int = logging.WARNING) -> bool:
        """Log `message % args` for `source` unless its budget is spent (then count it).
        The caller has already `clean`ed untrusted arguments. True if written."""
        source = clean(source or "?", 64)
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            key = source if source in self._windows or len(self._windows) < MAX_SOURCES else OTHER
            window = self._windows.setdefault(key, [now, 0, 0])
            window[1] += 1
            if window[1] > self.per_source:
                window[2] += 1
                return False
        log.log(level, "%s: " + message, source, *args)
        return True

    def _expire(self, now: float) -> None:
        for key, (start, _lines, suppressed) in list(self._windows.items()):
            if now - start >= self.window_s:
                del self._windows[key]
                if suppressed:
                    log.warning("%s: %d more security events in %.0f s were not logged", key, suppressed,
                                now - start)

    def flush(self) -> None:
        """Write the counts of suppressed lines whose window has ended (called now and then)."""
        with self._lock:
            self._expire(time.monotonic())


class Forward(logging.Handler):
    """Sends another logger's records (aiohttp's parser errors, with the attacker's bytes and a
    traceback each) to the security log as one cleaned, rate-limited line."""

    def __init__(self, security: SecurityLog, source: str) -> None:
        super().__init__(logging.INFO)
        self.security, self.source = security, source

    def emit(self, record: logging.LogRecord) -> None:
        try:
            detail = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                detail = f"{detail}: {type(record.exc_info[1]).__name__} {record.exc_info[1]}"
            self.security.event(self.source, "%s", clean(detail, 200), level=record.levelno)
        except Exception:  # a log line must never break the server
            self.handleError(record)


def forward(logger_name: str, security: SecurityLog) -> None:
    """Route `logger_name` (e.g. "aiohttp.server") through `security` instead of the main log."""
    logger = logging.getLogger(logger_name)
    logger.addHandler(Forward(security, logger_name))
    logger.propagate = False


def attach_file(folder: Path, also: logging.Handler | None = None) -> Path:
    """Send security events to `folder/security.log` (rotating, at most
    FILE_BYTES × (FILE_BACKUPS + 1)), not to the main log; `also` (the console) gets them too."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "security.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=FILE_BYTES, backupCount=FILE_BACKUPS,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    if also is not None:
        log.addHandler(also)
    log.propagate = False
    log.setLevel(logging.INFO)
    restrict(path)
    return path


def restrict(path: Path, mode: int = 0o640) -> None:
    """Logs are for the receiver's user and its group, not for everyone on the box."""
    try:
        os.chmod(path, mode)
    except OSError:
        pass
