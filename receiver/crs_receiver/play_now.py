"""A play-now survives a kill: the engine writes it (`playnow.json`, with a `.bak`) before
the server answers, and removes it once the play log holds it. At start, a saved play-now
that is not in the log and still valid (before its `valid_until`; without one, within
`VALID_WITHOUT_UNTIL_S` of when it arrived) plays again from its beginning: an emergency
cut by a power cut is heard whole. One that expired is dropped (and logged).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

log = logging.getLogger(__name__)

PLAY_NOW_FILE = "playnow.json"
VALID_WITHOUT_UNTIL_S = 15 * 60


def is_play_now(value: object) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("id"), str) and isinstance(value.get("media"), list)
            and all(isinstance(m, str) for m in value["media"]) and isinstance(value.get("received"), str))


def _until(saved: dict) -> datetime:
    if saved.get("valid_until"):
        return datetime.fromisoformat(saved["valid_until"])
    return datetime.fromisoformat(saved["received"]) + timedelta(seconds=VALID_WITHOUT_UNTIL_S)


def resumed_play_now(store, handled: set[str], now: datetime) -> dict | None:
    """The saved play-now to finish after a restart, or None (and the file removed)."""
    try:
        saved = store.state.read(PLAY_NOW_FILE, is_play_now)
    except Exception as exc:  # the card cannot be read: nothing to resume, the rest goes on
        log.warning("saved play-now unreadable: %s", exc)
        return None
    if saved is None:
        return None
    try:
        valid = saved["id"] not in handled and now < _until(saved)
    except (ValueError, TypeError):
        valid = False
    if not valid:
        log.warning("saved play-now %s dropped: already logged or no longer valid", saved["id"])
        store.state.remove(PLAY_NOW_FILE)
        return None
    log.warning("play-now %s: cut by a restart, playing it again", saved["id"])
    return saved


def forget_play_now(store, item_id: str) -> None:
    """Remove the saved play-now once `item_id` is logged, unless a newer one replaced it."""
    try:
        saved = store.state.read(PLAY_NOW_FILE, is_play_now)
        if saved is not None and saved["id"] == item_id:
            store.state.remove(PLAY_NOW_FILE)
    except Exception as exc:  # it is in the play log: a restart will not play it again anyway
        log.warning("saved play-now %s not removed: %s", item_id, exc)
