$ErrorActionPreference = "Stop"
$Root = Resolve-Path "$PSScriptRoot\..\.."
& "$PSScriptRoot\setup-env.ps1"
& "$Root\.venv\Scripts\radio-studio.exe" @args
exit $LASTEXITCODE
