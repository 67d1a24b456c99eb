"""The manifest schema of protocol v1 (docs/protocol.md, section 5) and the priorities.

`check_manifest` returns the manifest unchanged when it has the documented shape and
raises ManifestProblem with the first fault otherwise; the receiver answers that with
`422 invalid-manifest` and keeps playing what it had. Pure functions: safe from any thread.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

MAX_MANIFEST_BYTES = 2 << 20
MAX_ITEMS = 20_000
MAX_ID_CHARS = 200
MAX_VERSION = 2**53 - 1  # exact in every JSON reader (a double's integers)
MAX_DURATION_S = 24 * 3600
MAX_TITLE_CHARS = 500
FIRST_YEAR, LAST_YEAR = 2000, 9000  # a start outside is a fault, not a time to compute with
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"  # always accepted: without tz data the receiver uses UTC+7
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Highest first: among items due together an emergency plays before a priority item, and
# that before a normal one; nothing cuts an emergency.
PRIORITIES = ("normal", "priority", "emergency")
RANK = {"emergency": 0, "priority": 1, "normal": 2}
START_MODES = ("hard", "soft")
KINDS = ("media", "stream")  # "stream": an external stream the receiver relays (section 5)
MAX_URL_CHARS = 2000
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class ManifestProblem(Exception):
    """The manifest does not have the documented shape; the text says where."""


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _volume(value: object) -> bool:
    return _integer(value) and 0 <= value <= 100


def _zone(value: object) -> bool:
    if not isinstance(value, str) or not 0 < len(value) <= 64:
        return False
    if value == DEFAULT_ZONE:
        return True
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except Exception:  # unknown, malformed ("../x"), or a path
        return False
    return True


def _duration(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and 0 <= value <= MAX_DURATION_S)


def _hhmm(value: object) -> bool:
    return isinstance(value, str) and _HHMM.fullmatch(value) is not None


def check_manifest(data: object) -> dict:
    """The manifest's shape; raises ManifestProblem with the first fault."""
    def need(condition: bool, what: str) -> None:
        if not condition:
            raise ManifestProblem(what)

    need(isinstance(data, dict), "the manifest is not a JSON object")
    assert isinstance(data, dict)
    need(_integer(data.get("version")) and 0 < data["version"] <= MAX_VERSION,
         f"version must be an integer 1-{MAX_VERSION}")
    need(isinstance(data.get("receiver_id"), str) and data["receiver_id"] != "", "receiver_id is missing")
    need(_zone(data.get("timezone", DEFAULT_ZONE)), "timezone must be a known zone name")
    volume = data.get("volume", 100)
    need(_volume(volume), "volume must be 0-100")
    need(_volume(data.get("max_volume", 100)), "max_volume must be 0-100")
    quiet = data.get("quiet_hours", [])
    need(isinstance(quiet, list) and all(isinstance(q, dict) and _hhmm(q.get("start")) and _hhmm(q.get("end"))
                                         for q in quiet), "quiet_hours must be [{start: HH:MM, end: HH:MM}]")
    items = data.get("items")
    need(isinstance(items, list) and len(items) <= MAX_ITEMS, f"items must be a list of at most {MAX_ITEMS}")
    seen: set[str] = set()
    for item in items:
        need(isinstance(item, dict), "an item is not an object")
        item_id = item.get("id")
        need(isinstance(item_id, str) and 0 < len(item_id) <= MAX_ID_CHARS and item_id not in seen,
             "each item needs a unique id")
        seen.add(item_id)
        start = item.get("start")
        try:
            when = datetime.fromisoformat(start) if isinstance(start, str) else None
        except ValueError:
            when = None
        need(when is not None, f"item {item_id}: start is not an ISO time")
        need(when.tzinfo is not None, f"item {item_id}: start needs a UTC offset")
        need(FIRST_YEAR <= when.year <= LAST_YEAR, f"item {item_id}: start must be in {FIRST_YEAR}-{LAST_YEAR}")
        kind = item.get("kind", "media")
        need(kind in KINDS, f"item {item_id}: unknown kind")
        media = item.get("media")
        need(isinstance(media, list) and (len(media) > 0 or kind == "stream")
             and all(isinstance(m, str) and SHA256.match(m) for m in media),
             f"item {item_id}: media must be a list of sha256 hex digests")
        if kind == "stream":  # relayed from `url`; `media` is the backup (may be empty)
            url = item.get("url")
            need(isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) <= MAX_URL_CHARS,
                 f"item {item_id}: a stream needs an http(s) url")
            need(_duration(item.get("duration_s")) and item["duration_s"] > 0,
                 f"item {item_id}: a stream needs duration_s")
            loudness = item.get("loudness_lufs", -16)
            need(isinstance(loudness, (int, float)) and not isinstance(loudness, bool) and -40 <= loudness <= 0,
                 f"item {item_id}: loudness_lufs must be -40-0")
        priority = item.get("priority", "normal")
        need(isinstance(priority, str) and priority in PRIORITIES, f"item {item_id}: unknown priority")
        start_mode = item.get("start_mode", "soft")
        need(isinstance(start_mode, str) and start_mode in START_MODES, f"item {item_id}: unknown start_mode")
        duration = item.get("duration_s", 0)
        need(_duration(duration), f"item {item_id}: duration_s must be 0-{MAX_DURATION_S} seconds")
        need(_volume(item.get("volume", volume)), f"item {item_id}: volume must be 0-100")
        title = item.get("title", "")
        need(isinstance(title, str) and len(title) <= MAX_TITLE_CHARS, f"item {item_id}: title must be text")
    return data


def manifest_media(data: dict) -> set[str]:
    """Every media file a (checked) manifest names."""
    return {sha for item in data.get("items", []) for sha in item["media"]}
