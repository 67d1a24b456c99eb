"""Opening a receiver reads its play log without parsing all of it twice: the last number
from the file's tail, the item ids by a match on the lines the store writes (JSON only for
the others). Same answers as a full parse, escapes, non-ASCII ids and cut lines included."""

from __future__ import annotations

import json

from crs_receiver.store import ReceiverStore


def entry(item: str) -> dict:
    return {"item": item, "media": [], "priority": "normal", "scheduled": None, "started": None,
            "ended": None, "outcome": "missed", "level_dbfs": None}


def test_ids_and_the_last_number_survive_a_reopen(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    odd = ['quote " inside', "back\\slash", "Bản tin sáng", "plain"]
    store.log_plays([entry(f"n{n}") for n in range(5000)] + [entry(i) for i in odd])
    with open(store.root / "playlog.jsonl", "ab") as handle:
        handle.write(b'{"seq": 9999, "item": "cut by a po')  # a power cut mid-line
    again = ReceiverStore(tmp_path / "rx")
    assert again._seq == 5004
    assert again.logged_items() == {f"n{n}" for n in range(5000)} | set(odd)
    parsed = set()
    for line in (store.root / "playlog.jsonl").read_bytes().splitlines():
        try:
            parsed.add(json.loads(line)["item"])
        except ValueError:
            pass
    assert again.logged_items() == parsed
    assert again.log_play(entry("next"))["seq"] == 5005


def test_a_log_with_no_whole_line_in_its_tail(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    store.log_plays([entry("a"), entry("b")])
    with open(store.root / "playlog.jsonl", "ab") as handle:
        handle.write(b"x" * 100_000)  # garbage longer than the tail that is read
    assert ReceiverStore(tmp_path / "rx")._seq == 2
