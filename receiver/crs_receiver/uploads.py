"""The media a receiver holds: complete, verified files under `media/<sha256>`, and
uploads in progress under `partial/<sha256>.part` with their declared length in
`partial/<sha256>.len` (never played). A mixin of `ReceiverStore` (store.py), which
supplies `root`, `quota`, `lock`, `state`, `reserve`, `_verifying` and `_manifest`.
Uploads in progress count at their declared length against the quota; abandoned ones
expire after `PARTIAL_TTL_S`; the last bytes of the disk are never given to uploads.

Threads: called from the executor (appends, hashing) and the loop (`upload_state`);
changes are made under the store's lock.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

from crs_protocol import SHA256, ErrorCode, manifest_media

from crs_receiver.disk_reserve import UPLOAD_MARGIN
from crs_receiver.durable import atomic_write_bytes, fsync_dir
from crs_receiver.state import is_manifest
from crs_receiver.store_error import StoreError

log = logging.getLogger(__name__)

PARTIAL_TTL_S = 24 * 3600  # an upload no PATCH continued for a day is abandoned
DAMAGED = -1


def _declared(length_file: Path) -> int | None:
    """An upload's declared length: None when its file is absent, DAMAGED when it is not a
    positive integer of at most 16 digits."""
    try:
        text = length_file.read_bytes().strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() and 0 < len(text) <= 16 and int(text) > 0 else DAMAGED


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
        declared = _declared(length)
        if declared == DAMAGED:  # garbage: an abandoned partial, the upload starts again
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
        """Media held, plus each upload in progress at its declared length: what is
        promised is reserved, so uploads started together cannot overrun the quota."""
        total = 0
        for entry in os.scandir(self.root / "media"):
            if entry.is_file():
                total += entry.stat().st_size
        partials: dict[str, int] = {}
        for entry in os.scandir(self.root / "partial"):
            stem, _, suffix = entry.name.rpartition(".")
            try:
                size = entry.stat().st_size if suffix == "part" else max(_declared(Path(entry.path)) or 0, 0)
            except FileNotFoundError:
                continue  # finished or dropped meanwhile
            partials[stem] = max(partials.get(stem, 0), size)
        return total + sum(partials.values())

    def free_bytes(self) -> int:
        """Room for uploads: under the quota, and short of the disk's last UPLOAD_MARGIN
        bytes (kept for state, commands and the play log: disk_reserve.py)."""
        disk_free = shutil.disk_usage(self.root).free - UPLOAD_MARGIN
        return max(0, min(self.quota - self.used_bytes(), disk_free))

    def append(self, sha: str, offset: int, declared: int | None, data: bytes) -> tuple[int, bool]:
        """A tus PATCH: append `data` at `offset`; when the declared length is reached the
        hash is checked (outside the lock: a GiB takes seconds) before the file becomes
        playable. Returns (new offset, complete)."""
        with self.lock:
            held, known, complete = self.upload_state(sha)
            if complete:
                raise StoreError(ErrorCode.COMPLETE, "this media is already held in full")
            if sha in self._verifying:
                raise StoreError(ErrorCode.OFFSET_MISMATCH, "this upload is complete and being verified")
            if declared is not None and known is not None and declared != known:
                if offset != 0:
                    raise StoreError(ErrorCode.LENGTH_MISMATCH, f"Upload-Length was {known}; "
                                     "start again from offset 0 to declare another")
                self.drop_partial(sha)  # a restart from 0 may declare a new length
                held, known = 0, None
            if offset != held:
                raise StoreError(ErrorCode.OFFSET_MISMATCH, f"the receiver holds {held} bytes, not {offset}")
            length = known if known is not None else declared
            if length is None:
                raise StoreError(ErrorCode.NO_LENGTH, "the first PATCH must give Upload-Length")
            if offset + len(data) > length:
                raise StoreError(ErrorCode.TOO_LONG, "more bytes than Upload-Length declared")
            part, length_file = self._partial(sha)
            if known is None:
                if length > self.free_bytes():
                    self.cleanup(needed=length, uploading=sha)
                    if length > self.free_bytes():
                        raise StoreError(ErrorCode.QUOTA, f"{length} bytes do not fit in the disk quota")
                atomic_write_bytes(length_file, str(length).encode())  # reserves `length` (used_bytes)
            try:
                with open(part, "ab") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                os.truncate(part, offset)  # nothing half-written is kept: the PATCH can be sent again
                raise StoreError(ErrorCode.QUOTA, "the disk is full") from None
            new_offset = offset + len(data)
            if new_offset < length:
                return new_offset, False
            self._verifying.add(sha)
        try:
            return new_offset, self._finish(sha)
        finally:
            with self.lock:
                self._verifying.discard(sha)

    def _finish(self, sha: str) -> bool:
        """Hash the complete part (no lock held), then make it playable under the lock."""
        part, length_file = self._partial(sha)
        digest = hashlib.sha256()
        with open(part, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        with self.lock:
            if digest.hexdigest() != sha:
                part.unlink(missing_ok=True)
                length_file.unlink(missing_ok=True)
                raise StoreError(ErrorCode.HASH_MISMATCH, "the uploaded bytes do not have this sha256; upload again")
            os.replace(part, self.media_path(sha))
            fsync_dir(self.root / "media")
            length_file.unlink(missing_ok=True)
        return True

    def _clean_partials(self) -> None:
        """After a crash: a part whose length file is lost or garbage cannot be trusted; a
        part that reached its declared length (killed between its last fsync and the
        rename, or while being verified) is verified now and made playable or deleted,
        since no PATCH will ever come for it; a part untouched for `PARTIAL_TTL_S` is
        abandoned and deleted."""
        for part in (self.root / "partial").glob("*.part"):
            length_file = part.with_suffix(".len")
            declared = _declared(length_file)
            size = part.stat().st_size
            if declared is None or declared == DAMAGED or size > declared:
                part.unlink(missing_ok=True)
                length_file.unlink(missing_ok=True)
            elif size == declared:
                try:
                    self._finish(part.stem)
                except StoreError:
                    log.warning("a complete upload of %s found at start did not match its hash; dropped", part.stem)
        for length_file in (self.root / "partial").glob("*.len"):
            if not length_file.with_suffix(".part").exists() and _declared(length_file) == DAMAGED:
                length_file.unlink(missing_ok=True)
        self.expire_partials()
        for tmp in self.root.rglob(".*.tmp*"):
            tmp.unlink(missing_ok=True)

    def expire_partials(self, keep: str | None = None) -> int:
        """Delete uploads no PATCH has continued for `PARTIAL_TTL_S` (except `keep`), which
        would otherwise hold their declared length of the quota forever. Returns how many."""
        expired = 0
        cutoff = time.time() - PARTIAL_TTL_S
        with self.lock:
            stems = {p.name.rpartition(".")[0] for p in (self.root / "partial").iterdir()}
            for stem in stems - {keep}:
                paths = [self.root / "partial" / f"{stem}.part", self.root / "partial" / f"{stem}.len"]
                try:
                    touched = max(p.stat().st_mtime for p in paths if p.exists())
                except (ValueError, FileNotFoundError):
                    continue
                if touched < cutoff:
                    for path in paths:
                        path.unlink(missing_ok=True)
                    expired += 1
                    log.warning("upload %s abandoned for %d h: deleted", stem[:12], PARTIAL_TTL_S // 3600)
        return expired

    def cleanup(self, needed: int = 0, uploading: str | None = None) -> int:
        """Delete abandoned uploads (but `uploading`), then media no manifest (current or
        previous) names, oldest first, until `needed` bytes fit (or all such media is
        gone). Returns bytes of media freed."""
        with self.lock:
            self.expire_partials(keep=uploading)
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
            self.reserve.ensure()  # room again: the disk reserve is made anew if it was used
            return freed

