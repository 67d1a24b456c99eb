#!/usr/bin/env bash
# Set up, then print the benchmark figures (ours vs ffmpeg in the same run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/installers/linux/setup-env.sh" test
cd "$ROOT"
.venv/bin/python -m benchmarks "$@"
.venv/bin/python -m benchmarks.ui
.venv/bin/python -m benchmarks.tts
.venv/bin/python -m benchmarks.intelligibility
.venv/bin/python -m benchmarks.schedule
.venv/bin/python -m benchmarks.reports
.venv/bin/python -m benchmarks.receiver
.venv/bin/python -m benchmarks.receiver_flood
.venv/bin/python -m benchmarks.publish
.venv/bin/python -m benchmarks.emergency
.venv/bin/python -m benchmarks.frozen
.venv/bin/python -m benchmarks.live --paced
exec .venv/bin/python -m benchmarks.recording
