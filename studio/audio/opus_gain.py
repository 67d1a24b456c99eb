"""Put a lossy try on its loudness target with the Ogg Opus header's output gain, instead
of mastering, coding and checking the whole programme again.

An Ogg Opus file's identification header (OpusHead) carries an output gain that decoders
apply to what they decode (RFC 7845, section 5.1: players "SHOULD apply it by default";
"a nonzero output gain indicates the gain was adjusted after encoding"). FFmpeg and
libsndfile, the receivers' decoder, do (tests/unit/test_opus_gain.py), as do opusfile and
browsers; a player that ignores it (MPD before 2020) plays such a file up to 3 dB loud. libopus's coding
mode at 32 kbps depends on the content's history (hysteresis between its speech and
music modes): on recorded rock the excerpts the codec probe codes with fresh encoders
came out 2 LU quieter than the same stretches of the full encode, so the first full
encode of an hour was 1 LU too loud and was coded again (18 s). Scaling the decoded
programme is exact: its loudness and every true peak move by the gain (to 1/256 dB).

A try too loud is turned down (its peaks go down with it). One too quiet is turned up
only when its loudest peak stays under the threshold afterwards. More than
MAX_OUTPUT_GAIN_DB either way is left to a new try: the master itself is then far off.

A pure function and a rewrite of a file's first page, on the caller's thread.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from studio.audio.ogg_pages import seal

MAX_OUTPUT_GAIN_DB = 3.0
_Q = 256  # the header stores the gain in Q7.8 dB


def output_gain_db(
    drift_lu: float, peak_dbtp: float, threshold_dbtp: float, tolerance_lu: float,
    most_up_db: float = MAX_OUTPUT_GAIN_DB,
) -> float:
    """The header gain (dB) for a try `drift_lu` below its target (negative: too loud)
    whose decoded true peak is `peak_dbtp`; 0.0 when the try is within `tolerance_lu` or
    the gain cannot be used. `most_up_db`: what is left of the render's gain cap."""
    if abs(drift_lu) <= tolerance_lu or abs(drift_lu) > MAX_OUTPUT_GAIN_DB:
        return 0.0
    gain = round(drift_lu * _Q) / _Q
    if gain > 0 and (peak_dbtp + gain > threshold_dbtp or gain > most_up_db):
        return 0.0  # turned up it would pass the ceiling, or the most gain the settings allow
    return gain


def set_output_gain(path: Path, gain_db: float) -> None:
    """Write `gain_db` into the OpusHead of the Ogg Opus file at `path` (a file this
    process is still writing, not yet in place: the first page is rewritten in place)."""
    gain = round(gain_db * _Q)
    if not -32768 <= gain <= 32767:
        raise ValueError(f"output gain {gain_db} dB does not fit the Opus header")
    with open(path, "r+b") as handle:
        head = handle.read(27 + 255)
        if len(head) < 27 or head[:4] != b"OggS":
            raise ValueError(f"{path.name}: not an Ogg file")
        body = 27 + head[26]
        size = body + sum(head[27:body])
        handle.seek(0)
        page = bytearray(handle.read(size))
        if len(page) < body + 19 or page[body : body + 8] != b"OpusHead":
            raise ValueError(f"{path.name}: its first page is not an Opus identification header")
        struct.pack_into("<h", page, body + 16, gain)
        seal(page)
        handle.seek(0)
        handle.write(page)
        handle.flush()
        os.fsync(handle.fileno())
