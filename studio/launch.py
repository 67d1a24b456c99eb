"""How the studio starts its own Python child processes, frozen or not.

Unfrozen, a child is `python -m MODULE ...` (the TTS worker, the demo's receivers). A
PyInstaller build has no interpreter to pass `-m` to: `sys.executable` is the studio's own
executable. So there the child is `radio-studio --crs-run-module MODULE ...`, and the frozen
entry script (installers/pyinstaller/radio_studio_entry.py) calls `run_child_module()` first
thing, which runs MODULE as `__main__` the way `python -m` would. The switch is hidden: it is
not in `--help` and argparse never sees it.

`first_start_argv()` makes the installed app's first start open the demo: with no arguments
at all (the Start-menu and desktop shortcuts) and no database yet in the default data
folder, the command line becomes `demo`.

Threading: plain functions, no state; call them from any thread (run_child_module only from
the main thread at start-up: it replaces sys.argv).
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Sequence
from pathlib import Path

CHILD_SWITCH = "--crs-run-module"


def frozen() -> bool:
    """True inside a PyInstaller build (its bootloader sets sys.frozen)."""
    return bool(getattr(sys, "frozen", False))


def module_command(module: str) -> list[str]:
    """The command line that runs `module` as a script in a child process."""
    if frozen():
        return [sys.executable, CHILD_SWITCH, module]
    return [sys.executable, "-m", module]


def run_child_module(argv: Sequence[str]) -> bool:
    """If `argv` (sys.argv) asks for a child module, run it as `__main__` with the rest
    of the arguments and return True (its SystemExit propagates); else return False."""
    if len(argv) < 3 or argv[1] != CHILD_SWITCH:
        return False
    module = argv[2]
    sys.argv = [argv[0], *argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return True


def first_start_argv(argv: Sequence[str], database: Path) -> list[str]:
    """The arguments to run: `["demo"]` on the very first start (no arguments and no
    `database` yet), else `argv` unchanged."""
    if not argv and not database.exists():
        return ["demo"]
    return list(argv)
