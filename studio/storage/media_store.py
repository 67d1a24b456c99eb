"""Content-addressed media store: every file is kept under the sha256 of its bytes.

Layout: `media/ab/abcdef…` (no extension; the database records the format). Files are
written through a temp name + fsync + rename, so a stored blob is always complete, and
it is never modified after. Safe to use from several threads: two writers of the same
content both end with the same, complete file.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path
from typing import BinaryIO

from studio.storage.durable import atomic_writer, fsync_dir

_HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if not _HEX64.fullmatch(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_file(self, source: Path) -> tuple[str, bool]:
        """Store a copy of `source`; return (sha256, created) — created is False if it was there."""
        with open(source, "rb") as handle:
            return self._put_stream(handle)

    def _put_stream(self, stream: BinaryIO, chunk: int = 1 << 20) -> tuple[str, bool]:
        staging = self.root / "incoming"
        staging.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        # Hash while writing into a staging file, then rename it into its final place.
        tmp = staging / f"{os.getpid()}-{id(stream)}.part"
        with atomic_writer(tmp) as out:
            while block := stream.read(chunk):
                digest.update(block)
                out.write(block)
        return self._install(tmp, digest.hexdigest())

    def _install(self, finished: Path, sha: str) -> tuple[str, bool]:
        """Rename a complete, fsynced file into its place (dropping it if already stored)."""
        target = self.path_for(sha)
        if target.is_file():
            finished.unlink()
            return sha, False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(finished, target)
        fsync_dir(target.parent)
        return sha, True

    def adopt(self, finished: Path) -> tuple[str, bool]:
        """Move a complete, already-fsynced file on the same disk into the store."""
        return self._install(finished, sha256_file(finished))

    def sweep_incoming(self, older_than_s: float = 3600.0) -> int:
        """Delete staging files left by a crashed import or render; returns how many.

        Only old ones: another process may be importing into the same store right now."""
        staging = self.root / "incoming"
        if not staging.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for leftover in staging.iterdir():
            if leftover.is_file() and leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
                removed += 1
        return removed

    def remove(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)
