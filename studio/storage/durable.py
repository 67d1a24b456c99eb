"""Crash-safe file writes: temp name in the same folder, fsync, rename, fsync the folder.

A power cut at any instant leaves either the old file or the new one, never a mix.
Functions are thread-safe as long as two threads do not write the same target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from studio.errors import StorageError


def fsync_dir(directory: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory for fsync; rename is durable there
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _storage_error(path: Path, exc: OSError) -> StorageError:
    reason = {
        errno.ENOSPC: "disk full",
        errno.EDQUOT: "disk quota exceeded",
        errno.EACCES: "permission denied",
        errno.EROFS: "read-only file system",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return StorageError(path, reason)


@contextlib.contextmanager
def atomic_writer(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on clean exit it replaces `target` atomically.

    On any exception the temp file is removed and `target` is untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _storage_error(target, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_writer(target) as handle:
        handle.write(data)


def atomic_copy(source: Path, target: Path, chunk: int = 1 << 20) -> None:
    with open(source, "rb") as src, atomic_writer(target) as dst:
        while block := src.read(chunk):
            dst.write(block)


class FileLock:
    """An OS lock on a small file, held until `release` (or the process dies: the kernel
    drops it, so a crash never leaves a stale lock). POSIX flock / Windows msvcrt."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def _lock(self, wait: bool) -> None:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(self.fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))

    def try_acquire(self) -> bool:
        try:
            self._lock(wait=False)
            return True
        except OSError:
            return False

    def acquire(self) -> FileLock:
        self._lock(wait=True)
        return self

    def release(self) -> None:
        os.close(self.fd)  # closing releases the lock on both systems

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
