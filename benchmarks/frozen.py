"""`python -m benchmarks.frozen`: the frozen studio's start-up and size (offscreen Qt).

Cold start of dist/radio-studio/radio-studio (process start -> first paint of the main
window, median of 5 after one run that creates the data folder), measured exactly as
benchmarks/ui.py measures the unfrozen window, against a bare PySide6 window and the
unfrozen studio in the same run. Also the size of dist/. Builds first with
installers/linux/build-frozen.sh when there is no build (`--build` rebuilds anyway).
Target: the frozen window paints within 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.ui import BARE_WINDOW, first_paint_seconds

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT / "dist" / "radio-studio" / "radio-studio"
TARGET_S = 2.0


def dist_bytes() -> int:
    return sum(f.stat().st_size for f in (ROOT / "dist").rglob("*") if f.is_file() and not f.is_symlink())


def runs(label: str, command: list[str], env: dict, note: str = "") -> float:
    times = [first_paint_seconds(command, env) for _ in range(5)]
    median = statistics.median(times)
    print(f"{label:<15}: median {median:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)}){note}")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.frozen")
    parser.add_argument("--build", action="store_true", help="rebuild dist/ first")
    args = parser.parse_args()
    if args.build or not EXE.is_file():
        subprocess.run(["bash", str(ROOT / "installers" / "linux" / "build-frozen.sh")], check=True)
    work = Path(tempfile.mkdtemp(prefix="crs-bench-frozen-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CRS_FIRST_PAINT_EXIT="1")
    try:
        print(f"\n== Frozen build: {EXE.relative_to(ROOT)}, dist/ {dist_bytes() / 1e6:.0f} MB")
        frozen = [str(EXE), "--data-dir", str(work / "frozen")]
        unfrozen = [sys.executable, "-m", "studio", "--data-dir", str(work / "unfrozen")]
        first = first_paint_seconds(frozen, env)
        first_paint_seconds(unfrozen, env)
        print(f"\n== Cold start to first paint (offscreen), median of 5; first frozen run {first:.2f} s "
              "(creates the data folder)")
        ours = runs("frozen studio", frozen, env, f"  target <= {TARGET_S:.1f} s")
        runs("unfrozen studio", unfrozen, env)
        bare = runs("bare PySide6", [sys.executable, "-c", BARE_WINDOW], env)
        print(f"ratio frozen/bare: {ours / bare:.2f}")
        return 0 if ours <= TARGET_S else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
