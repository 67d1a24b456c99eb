$ErrorActionPreference = "Stop"
$Root = Resolve-Path "$PSScriptRoot\..\.."
& "$PSScriptRoot\setup-env.ps1"
Set-Location $Root
& "$Root\.venv\Scripts\ruff.exe" check .
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
& "$Root\.venv\Scripts\python.exe" -m pytest @args
exit $LASTEXITCODE
