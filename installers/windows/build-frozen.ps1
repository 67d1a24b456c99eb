# Builds the frozen studio (PyInstaller, one folder): dist\radio-studio\radio-studio.exe (the
# command line) and radio-studio-window.exe (the window, no console), then the per-user
# installer dist\installer\radio-studio-setup-VERSION.exe with Inno Setup 6.
# The same steps as installers/linux/build-frozen.sh with Windows paths, plus the icon and
# the installer. Prints the build time and dist\'s size.
#   powershell -ExecutionPolicy Bypass -File installers\windows\build-frozen.ps1 [-NoInstaller]
# Needs Python 3.11 from python.org and, for the installer, Inno Setup 6
# (winget install JRSoftware.InnoSetup). Officers never run this: they run the installer.
param([switch]$NoInstaller)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path "$PSScriptRoot\..\.."
Set-Location $Root
$Started = Get-Date

# A native command, its failure an error (PowerShell 5.1 does not stop on exit codes).
function Invoke-Native([string]$What, [scriptblock]$Command) {
    $ErrorActionPreference = "Continue"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

# 1. The environment the tests use (.venv, the .qm catalogues), plus PyInstaller from the
#    'freeze' extra.
& "$PSScriptRoot\setup-env.ps1"
$Py = "$Root\.venv\Scripts\python.exe"
& $Py -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('PyInstaller') is None)"
if ($LASTEXITCODE -ne 0) { Invoke-Native "pip install" { & $Py -m pip install -q -e "$Root[freeze]" } }

# 2. The executable's icon (rendered from the studio's SVG; the spec picks it up).
Invoke-Native "make_icon" { & $Py "$Root\installers\pyinstaller\make_icon.py" "$Root\build\radio-studio.ico" }

# 3. The build itself, from a clean output folder.
if (Test-Path "$Root\dist\radio-studio") { Remove-Item -Recurse -Force "$Root\dist\radio-studio" }
Invoke-Native "PyInstaller" {
    & $Py -m PyInstaller --noconfirm --log-level WARN --distpath "$Root\dist" `
        --workpath "$Root\build\pyinstaller" "$Root\installers\pyinstaller\radio-studio.spec"
}

# 4. It starts: the command line answers.
$Exe = "$Root\dist\radio-studio\radio-studio.exe"
Invoke-Native "radio-studio --version" { & $Exe --version }

$Took = [int]((Get-Date) - $Started).TotalSeconds
$Bytes = (Get-ChildItem "$Root\dist" -Recurse -File | Measure-Object Length -Sum).Sum
Write-Output "frozen build: $Exe"
Write-Output "build time: $Took s"
Write-Output ("dist size: {0:N0} MB ({1} bytes)" -f ($Bytes / 1MB), $Bytes)

# 5. The installer. Its version comes from studio/__init__.py, the one place it is kept.
if ($NoInstaller) { exit 0 }
$Iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
foreach ($Candidate in @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
                         "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")) {
    if (-not $Iscc -and (Test-Path $Candidate)) { $Iscc = $Candidate }
}
if (-not $Iscc) { throw "Inno Setup 6 not found (winget install JRSoftware.InnoSetup), or pass -NoInstaller" }
$Version = (& $Py -c "import studio; print(studio.__version__)").Trim()
Invoke-Native "ISCC" { & $Iscc /Qp "/DAppVersion=$Version" "$Root\installers\windows\radio-studio.iss" }
Write-Output "installer: $Root\dist\installer\radio-studio-setup-$Version.exe"
