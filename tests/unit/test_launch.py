"""studio/launch.py: child commands frozen and not, the hidden child switch, first start.

The frozen side runs for real in tests/frozen/test_frozen_smoke.py; here the same
functions run in a plain interpreter, with `sys.frozen` set where a test needs it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from studio import launch


def test_unfrozen_children_are_python_dash_m():
    assert launch.module_command("studio.tts.worker") == [sys.executable, "-m", "studio.tts.worker"]


def test_frozen_children_are_the_executable_with_the_hidden_switch(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/radio-studio/radio-studio")
    assert launch.module_command("studio.tts.worker") == [
        "/opt/radio-studio/radio-studio", "--crs-run-module", "studio.tts.worker"]


def test_the_switch_runs_the_module_as_main_with_the_remaining_arguments(tmp_path):
    (tmp_path / "child_probe.py").write_text(textwrap.dedent("""
        import sys
        if __name__ == "__main__":
            print("main", sys.argv[1:])
            sys.exit(7)
    """))
    entry = "import sys; from studio.launch import run_child_module; run_child_module(sys.argv); print('not a child')"
    child = subprocess.run([sys.executable, "-c", entry, "--crs-run-module", "child_probe", "a", "--b"],
                           check=False, capture_output=True, text=True, timeout=30,
                           env={"PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])})
    assert child.returncode == 7 and child.stdout.strip() == "main ['a', '--b']", child.stderr
    plain = subprocess.run([sys.executable, "-c", entry, "seed-demo"], check=False, capture_output=True, text=True, timeout=30,
                           env={"PYTHONPATH": os.pathsep.join(sys.path)})
    assert plain.stdout.strip() == "not a child", plain.stderr


def test_the_first_start_is_the_demo_and_only_the_first(tmp_path):
    database = tmp_path / "studio.db"
    assert launch.first_start_argv([], database) == ["demo"]
    assert launch.first_start_argv(["--lang", "en"], database) == ["--lang", "en"]
    database.write_bytes(b"")
    assert launch.first_start_argv([], database) == []
