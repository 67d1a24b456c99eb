"""The play log, `playlog.jsonl`: append-only, one fsynced write per batch of entries,
each numbered (`seq`). A mixin of `ReceiverStore` (store.py), which supplies `root`,
`lock`, `reserve` and `_seq`.

Threads: appends under the store's lock (from the executor and the player's thread);
reads scan the file without it (lines are appended whole).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path


class PlayLog:
    def _last_seq(self) -> int:
        """The last entry's number, from the end of the file: opening a receiver with a
        100,000-entry log must not parse all of it (the whole file only when its tail holds
        no whole entry)."""
        path = self.root / "playlog.jsonl"
        if not path.exists():
            return 0
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(size - 65536, 0))
            tail = handle.read().splitlines()
        for line in reversed(tail[1:] if size > 65536 else tail):  # the first may be cut
            try:
                return int(json.loads(line)["seq"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut by a power cut
        last = 0
        with open(path, "rb") as handle:
            for line in handle:
                try:
                    last = json.loads(line)["seq"]
                except (ValueError, KeyError, TypeError):
                    continue
        return last

    def log_play(self, entry: dict) -> dict:
        return self.log_plays([entry])[0]

    def log_plays(self, entries: list[dict]) -> list[dict]:
        """Append entries in one write and one fsync: 15,600 items missed while the
        receiver was off are one disk write, not 15,600 (minutes on an SD card)."""
        with self.lock:
            numbered = []
            for entry in entries:
                self._seq += 1
                numbered.append({"seq": self._seq, **entry})
            path = self.root / "playlog.jsonl"
            lines = b"".join(json.dumps(e, ensure_ascii=False).encode() + b"\n" for e in numbered)

            def append() -> None:
                with open(path, "ab") as handle:  # a line torn by a failed write is ended first
                    handle.write(b"\n" if path.stat().st_size and not _ends_with_newline(path) else b"")
                    handle.write(lines)
                    handle.flush()
                    os.fsync(handle.fileno())
            self.reserve.write(append)  # a full disk releases the reserve (disk_reserve.py)
            return numbered

    def logged_items(self) -> set[str]:
        """Every item id the play log holds (played, missed, failed): never played again
        after a restart, however long the log (a page of `playlog` stops at 1,000)."""
        items: set[str] = set()
        path = self.root / "playlog.jsonl"
        if path.exists():
            with open(path, "rb") as handle:
                for line in handle:
                    found = _ENTRY_ITEM.match(line)  # the lines log_play writes: no JSON parser needed
                    if found is not None and b"\\" not in found.group(1):
                        items.add(found.group(1).decode("utf-8", "replace"))
                        continue
                    try:
                        item = json.loads(line).get("item")
                    except (ValueError, AttributeError):
                        continue
                    if isinstance(item, str):
                        items.add(item)
        return items

    def playlog(self, after: int, limit: int = 1000) -> list[dict]:
        path = self.root / "playlog.jsonl"
        entries = []
        if not path.exists():
            return entries
        with open(path, "rb") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("seq", 0) > after:
                    entries.append(entry)
                    if len(entries) >= limit:
                        break
        return entries


_ENTRY_ITEM = re.compile(rb'\{"seq": \d+, "item": "((?:[^"\\]|\\.)*)"')


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
