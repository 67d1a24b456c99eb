"""The user's own TTS dictionaries, kept in the studio database (table `tts_lexicon`).

Two kinds: abbreviations (UBND -> uỷ ban nhân dân, case-sensitive) and pronunciations
(place and ethnic names: Đăk Hà -> Đắc Hà, case-insensitive). `load_lexicon` merges them
over the built-in tables. Uses the caller's connection; one thread per connection.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from enum import Enum

from studio.errors import InvalidPreference
from studio.library import now_utc
from studio.tts.lexicon import Lexicon


class EntryKind(Enum):
    ABBREVIATION = "abbreviation"
    PRONUNCIATION = "pronunciation"


def _clean(text: str, name: str) -> str:
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    if not cleaned or "\t" in text:
        raise InvalidPreference(name, repr(text))
    return cleaned


def add_entry(conn: sqlite3.Connection, kind: EntryKind, written: str, spoken: str) -> None:
    """Add or replace one entry."""
    conn.execute(
        "INSERT OR REPLACE INTO tts_lexicon (kind, written, spoken, created_at) VALUES (?,?,?,?)",
        (kind.value, _clean(written, "written form"), _clean(spoken, "spoken form"), now_utc()),
    )


def remove_entry(conn: sqlite3.Connection, written: str) -> int:
    """Remove the entries written so (of either kind); returns how many went."""
    return conn.execute("DELETE FROM tts_lexicon WHERE written = ?", (_clean(written, "written form"),)).rowcount


def entries(conn: sqlite3.Connection) -> list[tuple[EntryKind, str, str]]:
    rows = conn.execute("SELECT kind, written, spoken FROM tts_lexicon ORDER BY kind, written")
    return [(EntryKind(kind), written, spoken) for kind, written, spoken in rows]


def load_lexicon(conn: sqlite3.Connection) -> Lexicon:
    abbreviations: dict[str, str] = {}
    pronunciations: dict[str, str] = {}
    for kind, written, spoken in entries(conn):
        (abbreviations if kind is EntryKind.ABBREVIATION else pronunciations)[written] = spoken
    return Lexicon.builtin().with_user(abbreviations, pronunciations)
