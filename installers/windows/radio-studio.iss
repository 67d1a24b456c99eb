; Inno Setup 6 script of the studio's Windows installer: per-user (no administrator),
; Start-menu entry, optional desktop shortcut, uninstaller, Vietnamese and English.
; Built by installers\windows\build-frozen.ps1, which passes the version:
;   ISCC /DAppVersion=0.1.0 installers\windows\radio-studio.iss
; Input: the PyInstaller folder dist\radio-studio\; output: dist\installer\.
;
; The studio keeps its data (library, recordings, settings, keys, logs) in
; %LOCALAPPDATA%\CommuneRadioStudio (platformdirs), never in the program folder. The
; installer writes nothing there, so the uninstaller leaves it in place: a reinstall finds
; the library as it was. The shortcuts start radio-studio-window.exe with no arguments;
; on the very first start (no database yet) the app itself opens the demo
; (studio/launch.py:first_start_argv), so there is nothing to decide here.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=x.y.z (build-frozen.ps1 reads it from studio/__init__.py)
#endif
#define AppName "Commune Radio Studio"
#define AppExe "radio-studio-window.exe"

[Setup]
AppId={{4A5A3454-57B5-416F-A644-A801264DF61D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Commune Radio Studio
VersionInfoVersion={#AppVersion}
; Per user: {autopf} is %LOCALAPPDATA%\Programs, no UAC prompt, no administrator needed.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist\installer
OutputBaseFilename=radio-studio-setup-{#AppVersion}
SetupIconFile=..\..\build\radio-studio.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
; A running studio holds its files open: close it before replacing them.
CloseApplications=yes

[Languages]
; Inno Setup ships no official Vietnamese: Default.isl gives every message in English and
; our own Vietnamese.isl (LanguageID $042A) replaces the ones this installer shows.
Name: "vi"; MessagesFile: "compiler:Default.isl,Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
vi.DesktopShortcut=Tạo lối tắt trên màn hình &nền
en.DesktopShortcut=Create a &desktop shortcut
vi.Shortcuts=Lối tắt:
en.Shortcuts=Shortcuts:
vi.StartStudio=Mở {#AppName}
en.StartStudio=Open {#AppName}
vi.UninstallStudio=Gỡ cài đặt {#AppName}
en.UninstallStudio=Uninstall {#AppName}
vi.InstallingVoices=Đang cài giọng đọc…
en.InstallingVoices=Installing the voices…
vi.DataKept=Dữ liệu của xã (thư viện, bản ghi, cài đặt, khóa, nhật ký) vẫn được giữ trong:%n%n%1%n%nCài đặt lại sẽ thấy đủ như cũ. Muốn xóa hẳn thì xóa thư mục đó.
en.DataKept=The commune's data (library, recordings, settings, keys, logs) is kept in:%n%n%1%n%nA reinstall finds it as it was. Delete that folder to remove it for good.

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopShortcut}"; GroupDescription: "{cm:Shortcuts}"

[Files]
Source: "..\..\dist\radio-studio\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallStudio}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; Voice packs the build bundled (installers/voices/, verified by sha256 at build time and
; again here) go into the officer's own data folder; one installed already is kept.
Filename: "{app}\radio-studio.exe"; Parameters: "tts voices install --bundled"; Flags: runhidden waituntilterminated; StatusMsg: "{cm:InstallingVoices}"
Filename: "{app}\{#AppExe}"; Description: "{cm:StartStudio}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\CommuneRadioStudio');
    if DirExists(DataDir) and not UninstallSilent then
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataDir]), mbInformation, MB_OK);
  end;
end;
