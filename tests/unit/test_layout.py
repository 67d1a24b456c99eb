"""The layout stays readable: no module of the studio, the window, the receiver or the
protocol grows past 400 lines (STYLE.md: modules of a few hundred lines)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("studio", "ui", "receiver/crs_receiver", "protocol/crs_protocol")
LIMIT = 400
# Known debt from the parallel merges of session 7, each to be split (issue work that touches
# them splits them first). They may not grow: the cap is their size when they were listed.
OVER_LIMIT: dict[str, int] = {}


def test_no_module_is_over_400_lines():
    sizes = {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
             for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    assert len(sizes) > 100  # the packages were found
    assert {name: lines for name, lines in sizes.items() if lines > OVER_LIMIT.get(name, LIMIT)} == {}
