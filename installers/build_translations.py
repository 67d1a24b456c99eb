"""Build the window's translations: ui/resources/i18n/*.ts -> .qm, next to them.

It also copies the user guide docs/huong-dan-su-dung.md (the one source) to
ui/resources/guide/, where the window's Help reads it as package data; like the .qm it is
build output, never committed.

The .qm files are build output, never committed: the wheel build makes them (setup.py)
and setup-env.sh runs this for a checkout, whose editable install reads them in place.
The compiler is installers/ts_to_qm.py (plain Python, byte-identical to Qt's lrelease
for our catalogues), so no Qt tool is needed to build. With --update, the studio_*.ts
catalogues are first refreshed from the `tr()` calls in ui/ (pyside6-lupdate, without
line numbers so a moved line does not churn the catalogue); translators then finish the
new entries in Qt Linguist (`pyside6-linguist ui/resources/i18n/studio_vi.ts`). The
qt_*.ts catalogues (Qt's own strings) are kept by hand and never refreshed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ts_to_qm  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "ui" / "resources" / "i18n"
GUIDE = ROOT / "docs" / "huong-dan-su-dung.md"


def tool(name: str) -> str:
    """A Qt tool from the same environment as this Python (PySide6 installs them)."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        sys.exit(f"build_translations: {name} not found; install PySide6-Essentials (the 'ui' extra)")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui").glob("*.py"))


def update(ts: Path, extra: list[str] = ()) -> str:
    result = subprocess.run(
        [tool("pyside6-lupdate"), *sources(), "-locations", "none", "-no-obsolete", "-target-language",
         ts.stem.split("_", 1)[1], *extra, "-ts", str(ts)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return result.stdout


def release(ts: Path, out_dir: Path | None = None) -> Path:
    """Compile `ts` into `out_dir` (default: next to it)."""
    return ts_to_qm.compile_file(ts, (out_dir or ts.parent) / ts.with_suffix(".qm").name)


def build_all(i18n: Path = I18N, out_dir: Path | None = None) -> list[Path]:
    return [release(ts, out_dir) for ts in sorted(i18n.glob("*.ts"))]


def copy_guide(out_dir: Path = ROOT / "ui" / "resources" / "guide") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / GUIDE.name
    target.write_bytes(GUIDE.read_bytes())
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="refresh the studio_*.ts files from ui/ first")
    args = parser.parse_args()
    if args.update:
        for ts in sorted(I18N.glob("studio_*.ts")):
            print(update(ts).strip())
    build_all()
    copy_guide()
    return 0


if __name__ == "__main__":
    sys.exit(main())
