#!/usr/bin/env bash
# Set up everything on a fresh Debian/Ubuntu machine and start the studio.
# With no arguments: the demo — the window on a local demo data folder (./demo-data), filled
# on first start, with three demo receivers running on loopback. With arguments: the command line, e.g.
# `run-studio.sh --data-dir D import bulletin.wav` (see README).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/installers/linux/setup-env.sh" test
if [ $# -gt 0 ]; then
  exec "$ROOT/.venv/bin/radio-studio" "$@"
fi
DEMO="${CRS_DEMO_DIR:-$ROOT/demo-data}"
exec "$ROOT/.venv/bin/radio-studio" --data-dir "$DEMO" demo
