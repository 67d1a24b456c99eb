"""The words the normaliser reads from a table: abbreviations, units, pronunciations.

Built-in tables live in `studio/resources/tts/*.tsv` (package data) (WRITTEN<TAB>SPOKEN); the user's own
entries (a user dictionary of abbreviations and a pronunciation lexicon for place and
ethnic names) are merged over them. A `Lexicon` is an immutable value with a `version`
(a hash of every entry) that the synthesis cache keys on, so changing a pronunciation
re-synthesises what it affects. Building one compiles its regular expressions; share it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from studio import resources


def read_table(path: Path | Traversable) -> dict[str, str]:
    """A WRITTEN<TAB>SPOKEN file; '#' starts a comment line."""
    table: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        written, sep, spoken = line.partition("\t")
        if not sep or not written.strip() or not spoken.strip():
            raise ValueError(f"{path}:{number}: expected WRITTEN<TAB>SPOKEN")
        table[written.strip()] = spoken.strip()
    return table


@cache
def builtin_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    return (
        read_table(resources.tts_table("abbreviations")),
        read_table(resources.tts_table("units")),
        read_table(resources.tts_table("lexicon")),
    )


@cache
def builtin_document_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Document types and issuers, read in document symbols ("15/QĐ-UBND")."""
    return read_table(resources.tts_table("document_types")), read_table(resources.tts_table("document_issuers"))


def trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of `words`, longest first, as a character
    trie: the regex engine then rejects a non-matching position in one or two steps
    instead of trying every word (a plain alternation of hundreds of words is slow)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:  # a shorter word ends here: the longer continuation is optional (greedy)
            body = "(?:" + body + ")?"
        return body

    return build(trie)


@dataclass(frozen=True)
class Lexicon:
    abbreviations: Mapping[str, str]
    units: Mapping[str, str]
    pronunciations: Mapping[str, str]  # keys compared case-insensitively
    # Codes of a document symbol: the type that opens it (QĐ, KH, TTr) and who issued it
    # (UBND, CP, BTC); only read there, the same letters elsewhere mean other things.
    document_types: Mapping[str, str] = field(default_factory=dict)
    document_issuers: Mapping[str, str] = field(default_factory=dict)
    _folded: Mapping[str, str] = field(init=False, repr=False, compare=False)
    version: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_folded", {k.casefold(): v for k, v in self.pronunciations.items()})
        digest = hashlib.sha256()
        for table in (self.abbreviations, self.units, self.pronunciations, self.document_types,
                      self.document_issuers):
            for key in sorted(table):
                digest.update(f"{key}\t{table[key]}\n".encode())
            digest.update(b"\f")
        object.__setattr__(self, "version", digest.hexdigest()[:16])

    @classmethod
    def builtin(cls) -> Lexicon:
        abbreviations, units, pronunciations = builtin_tables()
        types, issuers = builtin_document_tables()
        return cls(dict(abbreviations), dict(units), dict(pronunciations), dict(types), dict(issuers))

    def with_user(self, abbreviations: Mapping[str, str], pronunciations: Mapping[str, str]) -> Lexicon:
        """This lexicon with the user's entries added (a user entry replaces a built-in one)."""
        folded_user = {k.casefold() for k in pronunciations}
        kept = {k: v for k, v in self.pronunciations.items() if k.casefold() not in folded_user}
        return Lexicon({**self.abbreviations, **abbreviations}, self.units, {**kept, **pronunciations},
                       self.document_types, self.document_issuers)

    def pronounce(self, written: str) -> str | None:
        return self._folded.get(written.casefold())
