#!/usr/bin/env bash
# Set up everything on a fresh Debian/Ubuntu machine and start the studio.
# With no arguments: the window, on a local demo data folder (./demo-data) that is filled
# with the demo bulletins on first start. With arguments: the command line, e.g.
# `run-studio.sh --data-dir D import bulletin.wav` (see README).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/installers/linux/setup-env.sh" test
if [ $# -gt 0 ]; then
  exec "$ROOT/.venv/bin/radio-studio" "$@"
fi
DEMO="${CRS_DEMO_DIR:-$ROOT/demo-data}"
"$ROOT/.venv/bin/radio-studio" --data-dir "$DEMO" seed-demo >/dev/null
exec "$ROOT/.venv/bin/radio-studio" --data-dir "$DEMO"
