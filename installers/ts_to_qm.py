"""Compile a Qt Linguist catalogue (.ts) into the binary .qm that QTranslator loads.

What `lrelease` does, in plain Python, so the wheel build (setup.py) can make the .qm
without installing Qt into the build environment: the studio's catalogues need only
the core of the format (language, a hash table, messages with context, source,
comment and numerus forms). Messages marked obsolete or vanished and empty translations
are left out, as lrelease does by default. The output is byte-identical to lrelease's
for our catalogues (tests/ui/test_i18n.py checks it against pyside6-lrelease).

Format (Qt's qtranslator.cpp): a 16-byte magic, then sections of tag byte + big-endian
32-bit length + body: Language (0xa7, UTF-8), Hashes (0x42: sorted pairs of
elfHash(source + comment) and the offset of the message), Messages (0x69: per message
tagged fields, translations in UTF-16BE). Pure function of its input; any thread.
"""

from __future__ import annotations

import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")
SECTION_HASHES, SECTION_MESSAGES, SECTION_LANGUAGE = 0x42, 0x69, 0xA7
TAG_END, TAG_TRANSLATION, TAG_SOURCE, TAG_CONTEXT, TAG_COMMENT = 1, 3, 6, 7, 8


def elf_hash(data: bytes) -> int:
    h = 0
    for byte in data:
        h = ((h << 4) + byte) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h or 1


def _field(tag: int, data: bytes) -> bytes:
    return bytes([tag]) + struct.pack(">I", len(data)) + data


def _messages(ts_xml: bytes) -> tuple[str, list[tuple[str, str, str, list[str]]]]:
    root = ET.fromstring(ts_xml)
    language = root.get("language", "")
    found = []
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("obsolete", "vanished"):
                continue
            if message.get("numerus") == "yes":
                forms = [form.text or "" for form in translation.iter("numerusform")]
            else:
                forms = [translation.text or ""]
            if not any(forms):
                continue
            found.append((name, message.findtext("source", ""), message.findtext("comment", ""), forms))
    # As lrelease does: a disambiguating comment is dropped when the source text alone is
    # unique in its context (QTranslator retries a lookup without the comment).
    uncommented = {(context, source) for context, source, comment, _ in found if not comment}
    kept: dict[tuple[str, str, str], list[str]] = {}
    for context, source, comment, forms in found:
        force = not comment or not context or (context, source) in uncommented
        stripped = (context, source, "")
        key = stripped if not force and stripped not in kept else (context, source, comment)
        kept[key] = forms
    messages = [(*key, forms) for key, forms in kept.items()]
    return language, sorted(messages, key=lambda m: (m[0].encode(), m[1].encode(), m[2].encode()))


def compile_ts(ts_xml: bytes) -> bytes:
    """The .qm bytes for the catalogue `ts_xml`."""
    language, messages = _messages(ts_xml)
    body = bytearray()
    hashes = []
    for context, source, comment, forms in messages:
        hashes.append((elf_hash(source.encode() + comment.encode()), len(body)))
        for form in forms:
            body += _field(TAG_TRANSLATION, form.encode("utf-16-be"))
        body += _field(TAG_COMMENT, comment.encode())
        body += _field(TAG_SOURCE, source.encode())
        body += _field(TAG_CONTEXT, context.encode())
        body.append(TAG_END)
    table = b"".join(struct.pack(">II", h, offset) for h, offset in sorted(hashes))
    out = MAGIC
    if language:
        out += _field(SECTION_LANGUAGE, language.encode())
    return out + _field(SECTION_HASHES, table) + _field(SECTION_MESSAGES, bytes(body))


def compile_file(ts: Path, qm: Path) -> Path:
    qm.parent.mkdir(parents=True, exist_ok=True)
    qm.write_bytes(compile_ts(ts.read_bytes()))
    return qm


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(compile_file(Path(name), Path(name).with_suffix(".qm")))
