"""Build hook of the commune-radio-studio distribution (everything else is in pyproject.toml).

`build_py` also compiles the translation catalogues ui/resources/i18n/*.ts into the .qm
files Qt loads, with installers/ts_to_qm.py (plain Python: the build environment needs no
Qt), and copies the user guide docs/huong-dan-su-dung.md into ui/resources/guide/ (Help
shows it). A wheel gets them in its build tree; an editable install reads the package from the
checkout, so there they are written next to the .ts (they are never committed).
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "installers"))
import ts_to_qm  # noqa: E402

I18N = Path("ui", "resources", "i18n")
GUIDE = Path("docs", "huong-dan-su-dung.md")  # the one source; Help shows the copy in ui/resources/guide


class BuildPyWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        out = HERE / I18N if self.editable_mode else Path(self.build_lib) / I18N
        for ts in sorted((HERE / I18N).glob("*.ts")):
            qm = ts_to_qm.compile_file(ts, out / ts.with_suffix(".qm").name)
            self.announce(f"compiled {ts.name} -> {qm}", level=2)
        guide = (HERE if self.editable_mode else Path(self.build_lib)) / "ui" / "resources" / "guide" / GUIDE.name
        guide.parent.mkdir(parents=True, exist_ok=True)
        guide.write_bytes((HERE / GUIDE).read_bytes())


setup(cmdclass={"build_py": BuildPyWithTranslations})
