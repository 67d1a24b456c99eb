# Creates or updates .venv with the studio installed (Windows 10/11, Python 3.11+ from python.org).
# PortAudio and libsndfile come inside the sounddevice/soundfile wheels; ffmpeg is only
# needed for the benchmarks and reference checks (winget install Gyan.FFmpeg).
$ErrorActionPreference = "Stop"
$Root = Resolve-Path "$PSScriptRoot\..\.."
if (-not (Test-Path "$Root\.venv\Scripts\python.exe")) { py -3 -m venv "$Root\.venv" }
& "$Root\.venv\Scripts\python.exe" -m pip install -q --upgrade pip
# One command, so the studio's crs-protocol and crs-receiver come from these checkouts.
& "$Root\.venv\Scripts\python.exe" -m pip install -q -e "$Root\protocol" -e "$Root\receiver" -e "$Root[test]"
# Translations: .qm catalogues are built from ui\resources\i18n\*.ts next to them, never committed.
& "$Root\.venv\Scripts\python.exe" "$Root\installers\build_translations.py"
