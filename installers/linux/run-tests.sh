#!/usr/bin/env bash
# Set up everything on a fresh Debian/Ubuntu machine, lint, and run the whole test suite.
# Arguments go to pytest (e.g. `-n 2` to run on two cores: each test has its own devices).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/installers/linux/setup-env.sh" test
cd "$ROOT"
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
