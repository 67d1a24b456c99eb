#!/usr/bin/env bash
# Creates or updates the project's environment on Debian/Ubuntu: system packages
# (PortAudio, espeak-ng, ffmpeg, sox) and a virtualenv in .venv with the studio installed.
# Sourced by run-studio.sh, run-tests.sh and run-benchmarks.sh; safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EXTRAS="${1:-test}"
# `test` also installs the meter's recogniser (the `bench` extra), so CI runs its test.
[ "$EXTRAS" = "test" ] && EXTRAS="test,bench"

need=()
# Qt needs EGL/fontconfig/xkbcommon even offscreen, the xcb libraries on a desktop, and
# a font with Vietnamese glyphs; poppler-utils reads the report PDFs back in the tests;
# mosquitto (2, with its dynamic-security plugin) is the MQTT broker of issue 16.
# pulseaudio, pulseaudio-utils (pactl, parec) and ALSA's pulse plugin (libasound2-plugins) give
# the live test and benchmark a loudspeaker paced in real time (a private server's null sink,
# benchmarks/paced_audio.py); icecast2 is the benchmark's comparison chain. The tests and the
# benchmark start their own servers (own socket, own loopback port), never the system's.
# fretsonfire-songs-*: eight recorded rock and metal songs (CC BY-SA 3.0, 58 MB), the render
# corpus's music (benchmarks/corpus.py): real music, not a signal the project made.
for pkg in libportaudio2 espeak-ng ffmpeg sox libsndfile1 libopus0 python3-venv alsa-utils \
    libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core \
    libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
    libxcb-render-util0 libxcb-image0 poppler-utils mosquitto mosquitto-clients \
    pulseaudio pulseaudio-utils libasound2-plugins icecast2 \
    fretsonfire-songs-muldjord fretsonfire-songs-sectoid; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x "$ROOT/.venv/bin/python" ]; then
  "$PY" -m venv "$ROOT/.venv"
fi
stamp="$ROOT/.venv/.installed-$EXTRAS"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] || [ "$ROOT/protocol/pyproject.toml" -nt "$stamp" ] \
    || [ "$ROOT/receiver/pyproject.toml" -nt "$stamp" ]; then
  "$ROOT/.venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  # One command, so pip resolves the studio's dependency on crs-protocol and crs-receiver
  # to these editable checkouts, not to PyPI.
  "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT/protocol" -e "$ROOT/receiver" -e "$ROOT[$EXTRAS]"
  touch "$stamp"
fi

# Translations: .qm catalogues are built from ui/resources/i18n/*.ts next to them (the
# editable install reads them there), never committed. A wheel build makes its own (setup.py).
"$ROOT/.venv/bin/python" "$ROOT/installers/build_translations.py"
