#!/usr/bin/env bash
# Builds the frozen studio (PyInstaller, one folder): dist/radio-studio/radio-studio.
# Same steps as installers/windows/build-frozen.ps1. Prints the build time and dist/'s size.
#   bash installers/linux/build-frozen.sh
# The target machine needs what the wheel cannot carry: espeak-ng (speech), PortAudio
# (libportaudio2) and the Qt/xcb system libraries setup-env.sh lists.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
started=$(date +%s)

# 1. The environment the tests use (system packages, .venv, the .qm catalogues), plus
#    PyInstaller from the 'freeze' extra.
bash "$ROOT/installers/linux/setup-env.sh" test
PY="$ROOT/.venv/bin/python"
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  "$PY" -m pip install -q -e "$ROOT[freeze]"
fi

# 2. The build itself, from a clean output folder.
rm -rf "$ROOT/dist/radio-studio"
nice "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$ROOT/dist" \
  --workpath "$ROOT/build/pyinstaller" "$ROOT/installers/pyinstaller/radio-studio.spec"

# 3. It starts: the command line answers.
EXE="$ROOT/dist/radio-studio/radio-studio"
"$EXE" --version

took=$(( $(date +%s) - started ))
echo "frozen build: $EXE"
echo "build time: ${took} s"
echo "dist size: $(du -sh "$ROOT/dist" | cut -f1) ($(du -sb "$ROOT/dist" | cut -f1) bytes)"
