#!/usr/bin/env bash
# Set up everything on a fresh Debian/Ubuntu machine and run the whole test suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/installers/linux/setup-env.sh" test
cd "$ROOT"
exec .venv/bin/python -m pytest "$@"
