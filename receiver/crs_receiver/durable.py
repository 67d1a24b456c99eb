"""Crash-safe file writes on the receiver: temp name in the same folder, fsync, rename,
fsync the folder. A power cut at any instant leaves the old file or the new one, never a mix.

The receiver's own copy of the idea (it imports nothing from the studio). Thread-safe as
long as two threads do not write the same target (the store holds its lock).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory for fsync; rename is durable there
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Replace `target` by `data` atomically; on any error `target` is untouched."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_copies(targets: list[Path], data: bytes) -> None:
    """Replace each of `targets` (one folder) by `data`: every temp file is written and
    fsynced, then renamed in order, then the folder fsynced once. A power cut leaves each
    target old or new, never a mix, and the first renamed before the next: the same
    guarantee as `atomic_write_bytes` one after the other, with one folder fsync instead
    of one per copy (each fsync costs ~10 ms on an SD card, more when many are queued)."""
    targets = [Path(t) for t in targets]
    folder = targets[0].parent
    if any(t.parent != folder for t in targets):
        raise ValueError("atomic_write_copies: every copy in one folder")
    folder.mkdir(parents=True, exist_ok=True)
    temps: list[Path] = []
    try:
        for target in targets:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            temps.append(Path(tmp_name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, target in zip(temps, targets, strict=True):
            os.replace(tmp, target)
        fsync_dir(folder)
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise
