"""Entry script of the frozen studio (PyInstaller): `radio-studio` / `radio-studio.exe`.

First thing, a hidden switch lets the executable stand in for `python -m MODULE` (the TTS
worker, the demo's receivers: see studio/launch.py). Then the very first start with no
arguments (the installer's shortcuts) opens the demo; anything else is the ordinary
command line, the window when no subcommand is given. Main thread.
"""

import sys

from studio.launch import first_start_argv, run_child_module


def main() -> int:
    if run_child_module(sys.argv):
        return 0
    from studio.cli.main import main as cli_main
    from studio.paths import StudioPaths

    argv = sys.argv[1:]
    if not argv:
        argv = first_start_argv(argv, StudioPaths.default().database)
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
