# Set up, then start the studio: with no arguments the window on a local demo data folder
# (.\demo-data, filled with the demo bulletins on first start); with arguments the CLI.
$ErrorActionPreference = "Stop"
$Root = Resolve-Path "$PSScriptRoot\..\.."
& "$PSScriptRoot\setup-env.ps1"
if ($args.Count -gt 0) {
    & "$Root\.venv\Scripts\radio-studio.exe" @args
    exit $LASTEXITCODE
}
$Demo = "$Root\demo-data"
& "$Root\.venv\Scripts\radio-studio.exe" --data-dir $Demo demo
exit $LASTEXITCODE
