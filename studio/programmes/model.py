"""What a programme is made of: items (clips, jingles, language variants), its spec, its
approval state, and the jingles the studio ships.

A programme is an ordered list of items (library clips, TTS bulletins — also clips —, and
the studio's jingles) with a gap or a crossfade after each, an optional intro and outro
jingle, an optional music bed ducked under speech, and per-item language variants (a Ba
Na or Xơ Đăng version of an item is played to zones of that language). Frozen values:
thread-safe.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import Enum
from functools import cache
from urllib.parse import urlsplit

import soundfile as sf

from studio import resources
from studio.errors import InvalidProgramme, InvalidStreamItem, StreamItemProblem
from studio.languages import Language, normalise


class State(Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


def jingles() -> list[str]:
    return resources.jingle_names()


# The name the officer reads for each of the studio's chimes (the file's slug is what is
# stored in programmes and typed on the CLI). Proper names, like the languages' names.
JINGLE_NAMES = {
    "chuong-bao": "Chuông báo",
    "chuong-ket-thuc": "Chuông kết thúc",
    "chuong-khan-cap": "Chuông khẩn cấp",
    "chuong-mo-dau": "Chuông mở đầu",
}


def jingle_name(slug: str) -> str:
    """The Vietnamese name of the chime `slug` (the slug itself for a chime added later)."""
    return JINGLE_NAMES.get(slug, slug)


@cache
def jingle_info(name: str) -> tuple[str, float]:
    try:
        path = resources.jingle_path(name)
    except FileNotFoundError:
        raise InvalidProgramme(f"no jingle named {name!r} (have: {', '.join(jingles())})") from None
    return hashlib.sha256(path.read_bytes()).hexdigest(), sf.info(str(path)).duration


@dataclass(frozen=True)
class Item:
    """A clip (with optional language variants) or a jingle, and what follows it."""

    clip: int | None = None
    jingle: str | None = None
    variants: tuple[tuple[str, int], ...] = ()  # (language, clip id)
    gap_after: float = 0.6  # seconds of silence after the item
    crossfade: float = 0.0  # seconds this item overlaps the previous one (0: none)
    stream: str | None = None  # an external stream's URL (relayed live by the receiver, never rendered)
    duration_s: float = 0.0  # how long a stream item is relayed

    def clip_for(self, language: str) -> int | None:
        """The clip played to `language` (an older code of a variant, "bdq", is the same language)."""
        return {normalise(lang): clip for lang, clip in self.variants}.get(normalise(language), self.clip)

    def to_dict(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if v not in (None, ())}
        if self.stream is None:  # an item without a stream keeps the JSON (and content hash) it had
            data.pop("duration_s", None)
        if self.variants:
            data["variants"] = dict(self.variants)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Item:
        variants = tuple(sorted((str(k), int(v)) for k, v in (data.get("variants") or {}).items()))
        return cls(data.get("clip"), data.get("jingle"), variants, float(data.get("gap_after", 0.6)),
                   float(data.get("crossfade", 0.0)), data.get("stream"), float(data.get("duration_s", 0.0)))


@dataclass(frozen=True)
class Spec:
    items: tuple[Item, ...]
    intro: str | None = None  # jingle name
    outro: str | None = None
    bed: Item | None = None  # a clip or jingle looped under the programme
    bed_level_db: float = -20.0  # bed level when nobody speaks, relative to the programme
    duck_db: float = 12.0  # how far the bed goes down under speech

    def to_json(self) -> str:
        data = {"items": [i.to_dict() for i in self.items], "intro": self.intro, "outro": self.outro,
                "bed": self.bed.to_dict() if self.bed else None, "bed_level_db": self.bed_level_db,
                "duck_db": self.duck_db}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Spec:
        data = json.loads(text)
        return cls(tuple(Item.from_dict(i) for i in data["items"]), data.get("intro"), data.get("outro"),
                   Item.from_dict(data["bed"]) if data.get("bed") else None,
                   float(data.get("bed_level_db", -20.0)), float(data.get("duck_db", 12.0)))

    def stream_item(self) -> Item | None:
        """The external stream this programme relays (at most one); its other items are the
        backup the receiver plays when the stream fails or stays silent."""
        return next((i for i in self.items if i.stream is not None), None)

    def rendered_items(self) -> tuple[Item, ...]:
        """What is rendered into audio: every item but a stream. A stream without a backup
        gets a short chime (the receiver plays it, then silence, when the stream fails)."""
        if self.stream_item() is None:
            return self.items
        return tuple(i for i in self.items if i.stream is None) or (Item(jingle=STREAM_FALLBACK_JINGLE),)

    def languages(self) -> list[str]:
        return sorted({Language.VIETNAMESE.code} | {normalise(lang) for item in self.items for lang, _ in item.variants})

    def clip_ids(self) -> set[int]:
        ids = {i.clip for i in self.items if i.clip is not None}
        ids |= {c for i in self.items for _, c in i.variants}
        if self.bed is not None and self.bed.clip is not None:
            ids.add(self.bed.clip)
        return ids


@dataclass(frozen=True)
class Programme:
    id: int
    title: str
    spec: Spec
    state: State
    content_sha256: str | None
    audio: dict = field(default_factory=dict)  # language -> sha256 of the rendered audio
    decided_by: str | None = None
    decided_at: str | None = None
    comment: str | None = None
    created_at: str = ""
    updated_at: str = ""


STREAM_FALLBACK_JINGLE = "chuong-bao"
STREAM_SCHEMES = ("http://", "https://")
MAX_STREAM_S = 24 * 3600
MAX_URL_CHARS = 2000
INTRO_GAP = 0.4  # seconds between an intro jingle and the first item (and before the outro)


def stream_url(url: str) -> str:
    """`url` (stripped) if a receiver may relay it: http:// or https://, naming a server,
    no spaces, at most 2000 characters; else `InvalidStreamItem` (NOT_A_URL)."""
    url = url.strip()
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed address (an unclosed IPv6 bracket)
        host = None
    if not url.startswith(STREAM_SCHEMES) or not host or len(url) > MAX_URL_CHARS or any(c.isspace() for c in url):
        raise InvalidStreamItem(f"not a stream URL: {url!r} (http:// or https://)", StreamItemProblem.NOT_A_URL)
    return url


def stream_item(url: str, seconds: float) -> Item:
    """An external stream relayed for `seconds`: the one rule for the CLI and the window
    (`stream_url`, a length of up to 24 h). `InvalidStreamItem` says which is broken."""
    url = stream_url(url)
    if not 0 < seconds <= MAX_STREAM_S:
        raise InvalidStreamItem("a stream item needs a duration of up to 24 h", StreamItemProblem.BAD_DURATION)
    return Item(stream=url, duration_s=float(seconds))


def check_one_stream(items: Iterable[Item]) -> None:
    """A programme relays at most one stream (its other items are the backup)."""
    if sum(1 for i in items if i.stream is not None) > 1:
        raise InvalidStreamItem("a programme relays at most one stream", StreamItemProblem.SECOND_STREAM)


def parse_stream_minutes(text: str) -> float:
    """A relay's length as the window takes it, in seconds: minutes (`30`, `90`, `2.5`) or
    hours and minutes (`1:30`). Anything else is `InvalidStreamItem` (BAD_DURATION)."""
    text = text.strip()
    hm = re.fullmatch(r"(\d{1,2}):([0-5]\d)", text)
    if hm:
        return int(hm[1]) * 3600 + int(hm[2]) * 60.0
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return round(float(text.replace(",", ".")) * 60, 3)
    raise InvalidStreamItem(f"not a duration: {text!r} (minutes, or h:mm)", StreamItemProblem.BAD_DURATION)


def parse_items(values: Iterable[str], stream_seconds: float = 0.0) -> tuple[Item, ...]:
    """CLI item syntax: `12` (clip), `12,bahnar=15` (with a variant), `jingle:chuong-bao`,
    `stream:http://...` (an external stream, relayed for `stream_seconds`)."""
    items = []
    for value in values:
        if value.startswith("stream:"):
            try:
                items.append(stream_item(value.removeprefix("stream:"), stream_seconds))
            except InvalidStreamItem as exc:
                if exc.problem is not StreamItemProblem.BAD_DURATION:
                    raise
                raise InvalidStreamItem("a stream item needs --duration (up to 24 h)", exc.problem) from None
            check_one_stream(items)
            continue
        if value.startswith("jingle:"):
            items.append(Item(jingle=value.removeprefix("jingle:")))
            continue
        first, *variants = value.split(",")
        try:
            pairs = tuple(sorted((normalise(lang), int(clip)) for lang, clip in (v.split("=", 1) for v in variants)))
            items.append(Item(clip=int(first), variants=pairs))
        except ValueError:
            raise InvalidProgramme(f"not an item: {value!r} (CLIP_ID, CLIP_ID,LANG=CLIP_ID or jingle:NAME)") from None
    return tuple(items)


def estimate_durations(spec: Spec, clip_seconds: Mapping[int, float]) -> dict[str, float]:
    """Seconds per language version from clip lengths the caller already has (no database,
    no decoding): items, the pauses between them, intro and outro jingles. A clip it does
    not know counts as 0 s."""
    durations = {}
    stream = spec.stream_item()
    for language in spec.languages():
        if stream is not None:
            durations[language] = stream.duration_s
            continue
        total = 0.0
        for index, item in enumerate(spec.items):
            if item.jingle:
                total += jingle_info(item.jingle)[1]
            else:
                total += clip_seconds.get(item.clip_for(language), 0.0)
            if index < len(spec.items) - 1:
                total += item.gap_after
        for jingle in (spec.intro, spec.outro):
            if jingle:
                total += jingle_info(jingle)[1] + INTRO_GAP
        durations[language] = total
    return durations
