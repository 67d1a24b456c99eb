"""Build the window's translations: resources/i18n/*.ts -> .qm (Qt Linguist's lrelease).

The .qm files are build output, never committed; setup-env.sh runs this. With --update,
the .ts catalogues are first refreshed from the `tr()` calls in ui/ (lupdate, without
line numbers so a moved line does not churn the catalogue); translators then finish the
new entries in Qt Linguist (`pyside6-linguist resources/i18n/studio_vi.ts`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("vi",)


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


def release(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="refresh the .ts files from ui/ first")
    args = parser.parse_args()
    for language in LANGUAGES:
        ts = I18N / f"studio_{language}.ts"
        if args.update:
            print(update(ts).strip())
        release(ts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
