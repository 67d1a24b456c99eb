"""The handlers that act at once: play-now, stop, volume. A mixin of `Requests`
(handlers.py), which supplies `store` and `engine`; each handler runs behind its gate.

Threads: the asyncio loop.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import UTC, datetime

from crs_protocol import ErrorCode

from crs_receiver.admission import parse_json
from crs_receiver.calls import Answer, Call, refuse

log = logging.getLogger(__name__)


class CommandHandlers:
    async def play_now(self, call: Call) -> Answer:
        try:
            data = parse_json(call.body)
            media = [str(m) for m in data["media"]]
            volume = data.get("volume")
            if volume is not None and not (isinstance(volume, int) and 0 <= volume <= 100):
                raise ValueError
            item_id = data.get("id")
            if item_id is not None and not (isinstance(item_id, str) and 0 < len(item_id) <= 64
                                            and item_id.isascii() and item_id.isprintable()):
                raise ValueError
            valid_until = data.get("valid_until")
            until = datetime.fromisoformat(valid_until) if valid_until is not None else None
            if until is not None and until.tzinfo is None:
                raise ValueError
            for sha in media:
                self.store.media_path(sha)
        except (ValueError, KeyError, TypeError):
            return refuse(ErrorCode.MALFORMED, "expected {\"media\": [sha256...], \"volume\": 0-100, "
                                               "\"id\": text, \"valid_until\": ISO 8601 with offset}")
        if until is not None and datetime.now(UTC) >= until:
            log.warning("play-now %s refused: valid until %s, now past", item_id, valid_until)
            return refuse(ErrorCode.EXPIRED, f"valid until {valid_until}, which has passed")
        missing = [sha for sha in media if not self.store.has_media(sha)]
        if missing:
            return refuse(ErrorCode.MISSING_MEDIA, "upload these first", missing=missing)
        item_id = item_id or f"now-{int(time.time() * 1000)}-{secrets.token_hex(3)}"
        started = self.engine.play_now(media, volume, item_id, valid_until)
        if started:
            log.warning("play-now %s: playing at once", item_id)
        return Answer(200, {"item": item_id, "already": not started})

    async def stop(self, call: Call) -> Answer:
        self.engine.stop_playing()
        return Answer(200, {"stopped": True})

    async def volume(self, call: Call) -> Answer:
        try:
            volume = parse_json(call.body)["volume"]
            if not (isinstance(volume, int) and 0 <= volume <= 100):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return refuse(ErrorCode.MALFORMED, "expected {\"volume\": 0-100}")
        self.store.set_volume(volume)
        return Answer(200, {"volume": volume})
