"""Room kept on a receiver's card so that a full disk never silences it.

A full card (media, logs, or something else on it) used to make every signed request fail
with 500: taking a request's counter writes `replay.json`, and the write failed with
ENOSPC, so not even play-now or stop worked, and play-log entries were lost. Two guards:

- Uploads never take the last `UPLOAD_MARGIN` bytes of the disk (uploads.py counts it in
  `free_bytes`): what uploads fill leaves room for state, commands and the play log.
- `reserve.bin`, `RESERVE_BYTES` written at start: when a small write (a state file, a
  play-log batch, a play-now record) still fails with ENOSPC, the reserve is released and
  the write tried once more, logged. It is made again when the disk has room (at start and
  after an upload makes room by cleaning up).

Thread-safe: releasing is idempotent; writes are the caller's, under the store's lock.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

RESERVE_BYTES = 1 << 20
UPLOAD_MARGIN = 2 << 20

T = TypeVar("T")


class DiskReserve:
    def __init__(self, root: Path) -> None:
        self.path = Path(root) / "reserve.bin"

    def ensure(self) -> None:
        """Write the reserve if it is missing and the disk has room for it and more."""
        if self.path.exists():
            return
        try:
            if shutil.disk_usage(self.path.parent).free < RESERVE_BYTES + UPLOAD_MARGIN:
                return
            with open(self.path, "wb") as handle:
                handle.write(bytes(RESERVE_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            log.warning("the disk reserve could not be written: %s", exc)
            self.path.unlink(missing_ok=True)

    def write(self, action: Callable[[], T]) -> T:
        """`action()`; on ENOSPC, once more after the reserve is released."""
        try:
            return action()
        except OSError as exc:
            if exc.errno != errno.ENOSPC or not self.path.exists():
                raise
        self.path.unlink(missing_ok=True)
        log.error("the disk is full: its %d kB reserve was released so that commands and the play log go on; "
                  "free space on the card", RESERVE_BYTES >> 10)
        return action()
