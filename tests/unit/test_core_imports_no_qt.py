"""The core must import and work with PySide6 absent: nothing in studio/ may load Qt."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import studio

SCRIPT = """
import importlib, pkgutil, sys, studio
names = [m.name for m in pkgutil.walk_packages(studio.__path__, 'studio.') if m.name != 'studio.__main__']
for name in names:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))
print(len(names), ','.join(bad))
"""


def test_every_studio_module_imports_without_qt():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True,
        cwd=Path(studio.__file__).parent.parent,
    ).stdout.split()
    count = int(out[0])
    expected = len([m for m in pkgutil.walk_packages(studio.__path__, "studio.")]) - 1
    assert count == expected and count >= 15
    assert out[1:] == [], f"studio pulled in Qt/ui modules: {out[1:]}"
