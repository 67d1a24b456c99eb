#!/usr/bin/env bash
# Set up everything on a fresh Debian/Ubuntu machine and start the studio.
# Until the window lands (see the issues), this runs the command line: pass a
# subcommand, e.g. `run-studio.sh import bulletin.wav`; with none it prints help.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/installers/linux/setup-env.sh" test
exec "$ROOT/.venv/bin/radio-studio" "$@"
