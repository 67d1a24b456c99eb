"""ffmpeg as the independent reference: its ebur128 meter and its two-pass loudnorm.

Used by the benchmarks and by the end-to-end tests; the product itself never calls ffmpeg.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path


def ebur128(ffmpeg: str, path: Path) -> tuple[float, float]:
    """(integrated loudness LUFS, true peak dBTP) of a file by ffmpeg's ebur128=peak=true."""
    err = subprocess.run(
        [ffmpeg, "-nostats", "-hide_banner", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr
    summary = err[err.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def ffmpeg_two_pass(ffmpeg: str, source: Path, out: Path) -> float:
    """ffmpeg doing our render's job: two-pass loudnorm to -16/-1, libopus 32 kbps mono.
    Returns the wall time of both passes."""
    start = time.perf_counter()
    first = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostats", "-i", str(source), "-af",
         "loudnorm=I=-16:TP=-1:LRA=11:print_format=json", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr
    m = json.loads(first[first.rindex("{") : first.rindex("}") + 1])
    af = (
        f"loudnorm=I=-16:TP=-1:LRA=11:measured_I={m['input_i']}:measured_TP={m['input_tp']}:"
        f"measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}:offset={m['target_offset']}:linear=true"
    )
    subprocess.run(
        [ffmpeg, "-hide_banner", "-nostats", "-y", "-i", str(source), "-af", af, "-ar", "48000", "-ac", "1",
         "-c:a", "libopus", "-b:a", "32k", str(out)],
        capture_output=True, check=True,
    )
    return time.perf_counter() - start
