"""The studio as a user installs it: wheels built from this checkout, installed into an
empty venv outside it, and run from a folder outside it with no PYTHONPATH, so every
resource must come out of the installed packages (importlib.resources), not the tree.

`pip wheel --no-deps` builds the root distribution (and protocol/, receiver/ when the
checkout has them as distributions of their own) from a fresh copy of the checkout's
files, so nothing a previous build left there can leak in; one `pip install` puts them
all, with the `ui` extra, into the venv (dependencies from pip's cache or the index). Then: the
demo seeds (TTS tables, demo texts), the jingles are listed, decode and render into a
programme, numbers are read aloud in words, and the window opens offscreen through the
real `radio-studio` entry point in Vietnamese, Qt's own buttons included.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.tools import require_tool

pytestmark = [pytest.mark.pypi, pytest.mark.timeout(1200)]  # building and installing take minutes

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTIONS = [ROOT / "protocol", ROOT / "receiver"]  # split out of the studio (issue 13)


def outside_checkout(path: Path) -> Path:
    path = path.resolve()
    assert not path.is_relative_to(ROOT), f"{path} is inside the checkout {ROOT}"
    return path


def fresh_copy(target: Path) -> Path:
    """The checkout's files as a fresh clone would have them (tracked and new, not ignored):
    a build in the checkout itself would reuse its build/ and *.egg-info/, whose stale
    SOURCES.txt brings files into the wheel that its configuration leaves out."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def build_step(command: list[str], cwd: Path, env: dict) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        pytest.fail(f"{command[1:4]} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A venv outside the checkout holding the wheels built from it."""
    base = outside_checkout(tmp_path_factory.mktemp("wheel-install"))
    # pip with the user's real cache (the test session moved HOME), nothing of this checkout on the path.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.setdefault("PIP_CACHE_DIR", str(Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "pip"))
    env |= {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "QT_QPA_PLATFORM": "offscreen", "PYTHONNOUSERSITE": "1"}
    clone = fresh_copy(base / "source")
    wheels = base / "wheels"
    sources = [clone / d.name for d in DISTRIBUTIONS if (d / "pyproject.toml").is_file()] + [clone]
    for source in sources:
        build_step([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                   base, env)
    built = sorted(wheels.glob("*.whl"))
    assert len(built) == len(sources), built
    venv = base / "venv"
    build_step([sys.executable, "-m", "venv", str(venv)], base, env)
    python = venv / "bin" / "python"
    targets = [str(w) + ("[ui]" if w.name.startswith("commune_radio_studio-") else "") for w in built]
    build_step([str(python), "-m", "pip", "install", "-q", *targets], base, env)
    work = base / "work"
    work.mkdir()
    return {"venv": venv, "python": python, "wheels": built, "env": env, "cwd": work, "data": base / "data"}


def run(installed: dict, *args: str, timeout: float = 300) -> str:
    proc = subprocess.run(args, cwd=installed["cwd"], env=installed["env"], capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


def studio(installed: dict, *args: str) -> str:
    command = installed["venv"] / "bin" / "radio-studio"
    return run(installed, str(command), "--data-dir", str(installed["data"]), *args)


def in_venv(installed: dict, script: str) -> dict:
    """Run `script` with the venv's Python; it prints one JSON object last."""
    out = run(installed, str(installed["python"]), "-c", textwrap.dedent(script))
    return json.loads(out.strip().splitlines()[-1])


def test_the_wheel_carries_every_resource_and_the_compiled_catalogues(installed):
    import zipfile

    (wheel,) = [w for w in installed["wheels"] if w.name.startswith("commune_radio_studio-")]
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("studio/resources/jingles/chuong-bao.flac", "studio/resources/tts/abbreviations.tsv",
                 "studio/resources/tts/units.tsv", "studio/resources/tts/lexicon.tsv",
                 "studio/resources/demo/01-tiem-chung.txt", "ui/resources/icons/play.svg",
                 "ui/resources/icons/LICENSE.md", "ui/resources/i18n/studio_vi.qm",
                 "ui/resources/i18n/qt_vi.qm", "ui/resources/guide/huong-dan-su-dung.md"):
        assert name in names, f"{name} missing from {wheel.name}"


def test_installed_cli_seeds_the_demo_lists_jingles_and_reads_numbers(installed):
    require_tool("espeak-ng")
    spoken = studio(installed, "tts", "normalize", "Họp lúc 17h30 ngày 5/12").strip()
    assert spoken == "Họp lúc mười bảy giờ ba mươi phút ngày mùng năm tháng mười hai"
    assert studio(installed, "programmes", "jingles").split() == [
        "chuong-bao", "chuong-ket-thuc", "chuong-khan-cap", "chuong-mo-dau"]
    clips = studio(installed, "seed-demo").split()
    assert len(clips) == 2 and all(c.isdigit() for c in clips)
    listing = studio(installed, "clips")
    assert "Thông báo: Về việc tổ chức tiêm chủng" in listing
    # The jingles play: a programme of jingles renders from the installed files.
    programme = studio(installed, "programmes", "create", "Chuông", "--intro", "chuong-mo-dau",
                       "--item", "jingle:chuong-bao", "--outro", "chuong-ket-thuc").strip()
    assert "submitted" in studio(installed, "programmes", "submit", programme)
    shown = studio(installed, "programmes", "show", programme)
    minutes = float(shown.split("duration (vi): ")[1].split(" min")[0])
    assert minutes >= 0.1, shown


def test_installed_resources_come_from_the_venv_and_the_jingles_decode(installed):
    found = in_venv(installed, """
        import json, sys
        import numpy as np, soundfile as sf
        import studio, ui
        from studio import resources
        from ui.resources import catalogue, icon_file
        jingles = {}
        for name in resources.jingle_names():
            data, rate = sf.read(str(resources.jingle_path(name)), dtype="float32")
            jingles[name] = [len(data) / rate, float(np.max(np.abs(data)))]
        print(json.dumps({"path": sys.path, "files": [studio.__file__, ui.__file__,
            str(resources.jingle_path("chuong-bao")), str(resources.tts_table("lexicon")),
            str(resources.demo_text_files()[0]), str(icon_file("play")), str(catalogue("vi")),
            str(catalogue("vi", "qt"))], "jingles": jingles}))
    """)
    venv = installed["venv"].resolve()
    for file in found["files"]:
        assert Path(file).resolve().is_relative_to(venv), f"{file} found outside the installed venv"
        assert Path(file).is_file()
    assert not any(Path(p).resolve().is_relative_to(ROOT) for p in found["path"] if p), found["path"]
    assert len(found["jingles"]) == 4
    for name, (seconds, peak) in found["jingles"].items():
        assert seconds > 1.0 and 0.3 < peak <= 1.0, (name, seconds, peak)


def test_installed_window_opens_in_vietnamese_with_qt_strings_too(installed):
    """Through the console script's function, as `radio-studio --lang vi` runs it: the
    window paints once and quits (CRS_FIRST_PAINT_EXIT), then the script reads it."""
    shown = in_venv(installed, f"""
        import json, os, sys
        from importlib.metadata import entry_points
        os.environ["CRS_FIRST_PAINT_EXIT"] = "1"
        (script,) = entry_points(group="console_scripts", name="radio-studio")
        code = script.load()(["--data-dir", {str(installed["data"] / "window")!r}, "--lang", "vi"])
        from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow))
        box = QMessageBox()
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        print(json.dumps({{"code": code, "title": window.windowTitle(),
            "menus": [a.text() for a in window.menuBar().actions()],
            "buttons": [box.button(b).text() for b in (QMessageBox.StandardButton.Ok,
                                                       QMessageBox.StandardButton.Cancel)]}}))
    """)
    assert shown["code"] == 0
    assert shown["title"] == "Studio Truyền thanh xã"
    assert shown["menus"] == ["&Tệp", "&Xem", "Trợ &giúp"]
    assert shown["buttons"] == ["Đồng ý", "Huỷ"]
