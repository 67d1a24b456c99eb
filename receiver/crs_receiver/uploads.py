"""The media a receiver holds: complete, verified files under `media/<sha256>`, and
uploads in progress under `partial/<sha256>.part` with their declared length in
`partial/<sha256>.len` (never played). A mixin of `ReceiverStore` (store.py), which
supplies `root`, `quota`, `lock`, `state` and `_manifest`.

Threads: called from the executor (appends, hashing) and the loop (`upload_state`);
changes are made under the store's lock.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path

from crs_protocol import SHA256, ErrorCode, manifest_media

from crs_receiver.durable import atomic_write_bytes, fsync_dir
from crs_receiver.state import is_manifest
from crs_receiver.store_error import StoreError

log = logging.getLogger(__name__)


class Uploads:
    def media_path(self, sha: str) -> Path:
        if not SHA256.match(sha):
            raise StoreError(ErrorCode.BAD_NAME, "media names are 64 lowercase hex digits")
        return self.root / "media" / sha

    def has_media(self, sha: str) -> bool:
        return self.media_path(sha).is_file()

    def _partial(self, sha: str) -> tuple[Path, Path]:
        self.media_path(sha)
        return self.root / "partial" / f"{sha}.part", self.root / "partial" / f"{sha}.len"

    def upload_state(self, sha: str) -> tuple[int, int | None, bool]:
        """(bytes held, declared length, complete)."""
        path = self.media_path(sha)
        if path.is_file():
            size = path.stat().st_size
            return size, size, True
        part, length = self._partial(sha)
        try:
            declared = int(length.read_text()) if length.exists() else None
        except ValueError:  # a damaged length file: the upload starts again
            log.warning("upload %s: its length file is damaged; the upload starts again", sha[:12])
            part.unlink(missing_ok=True)
            length.unlink(missing_ok=True)
            declared = None
        return (part.stat().st_size if part.exists() else 0), declared, False

    def drop_partial(self, sha: str) -> None:
        """Forget an upload in progress (its bytes came from an untrusted broker and failed)."""
        with self.lock:
            for path in self._partial(sha):
                path.unlink(missing_ok=True)

    def used_bytes(self) -> int:
        total = 0
        for folder in ("media", "partial"):
            for entry in os.scandir(self.root / folder):
                if entry.is_file():
                    total += entry.stat().st_size
        return total

    def free_bytes(self) -> int:
        return max(0, min(self.quota - self.used_bytes(), shutil.disk_usage(self.root).free))

    def append(self, sha: str, offset: int, declared: int | None, data: bytes) -> tuple[int, bool]:
        """A tus PATCH: append `data` at `offset`; when the declared length is reached the
        hash is checked before the file becomes playable. Returns (new offset, complete)."""
        with self.lock:
            held, known, complete = self.upload_state(sha)
            if complete:
                raise StoreError(ErrorCode.COMPLETE, "this media is already held in full")
            if offset != held:
                raise StoreError(ErrorCode.OFFSET_MISMATCH, f"the receiver holds {held} bytes, not {offset}")
            length = known if known is not None else declared
            if length is None:
                raise StoreError(ErrorCode.NO_LENGTH, "the first PATCH must give Upload-Length")
            if declared is not None and known is not None and declared != known:
                raise StoreError(ErrorCode.LENGTH_MISMATCH, f"Upload-Length was {known}")
            if offset + len(data) > length:
                raise StoreError(ErrorCode.TOO_LONG, "more bytes than Upload-Length declared")
            if known is None:
                if length > self.free_bytes() + 0:
                    self.cleanup(needed=length)
                    if length > self.free_bytes():
                        raise StoreError(ErrorCode.QUOTA, f"{length} bytes do not fit in the disk quota")
                part, length_file = self._partial(sha)
                atomic_write_bytes(length_file, str(length).encode())
            part, _ = self._partial(sha)
            with open(part, "ab") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            new_offset = offset + len(data)
            if new_offset < length:
                return new_offset, False
            return new_offset, self._finish(sha)

    def _finish(self, sha: str) -> bool:
        part, length_file = self._partial(sha)
        digest = hashlib.sha256()
        with open(part, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            part.unlink(missing_ok=True)
            length_file.unlink(missing_ok=True)
            raise StoreError(ErrorCode.HASH_MISMATCH, "the uploaded bytes do not have this sha256; upload again")
        os.replace(part, self.media_path(sha))
        fsync_dir(self.root / "media")
        length_file.unlink(missing_ok=True)
        return True

    def _clean_partials(self) -> None:
        """After a crash: a part whose length file is lost cannot be trusted; a part that
        reached its declared length (the power went between its last fsync and the rename)
        is verified and made playable now, since no PATCH will ever come for it."""
        for part in (self.root / "partial").glob("*.part"):
            length_file = part.with_suffix(".len")
            if not length_file.exists():
                part.unlink(missing_ok=True)
                continue
            try:
                declared = int(length_file.read_text())
            except ValueError:
                declared = -1
            size = part.stat().st_size
            if size > declared or declared < 0:
                part.unlink(missing_ok=True)
                length_file.unlink(missing_ok=True)
            elif size == declared:
                try:
                    self._finish(part.stem)
                except StoreError:
                    log.warning("a complete upload of %s found at start did not match its hash; dropped", part.stem)
        for tmp in self.root.rglob(".*.tmp*"):
            tmp.unlink(missing_ok=True)

    def cleanup(self, needed: int = 0) -> int:
        """Delete media no manifest (current or previous) names, oldest first, until
        `needed` bytes fit (or all such media is gone). Returns bytes freed."""
        with self.lock:
            keep = manifest_media(self._manifest) if self._manifest else set()
            previous = self.state.read("manifest.prev.json", is_manifest)
            if previous:
                keep |= manifest_media(previous)
            freed = 0
            candidates = sorted((p for p in (self.root / "media").iterdir() if p.name not in keep),
                                key=lambda p: p.stat().st_mtime)
            for path in candidates:
                if needed and self.free_bytes() >= needed:
                    break
                freed += path.stat().st_size
                path.unlink(missing_ok=True)
            return freed

