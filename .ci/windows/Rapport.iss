; Inno Setup script: Rapport for one user, installed without administrator rights.
; Built by .github/workflows/windows.yml after PyInstaller has made dist\Rapport\:
;   ISCC.exe /DAppVersion=0.1.0 .ci\windows\Rapport.iss
; The data (database, backups, key file, logs) lives in %LOCALAPPDATA%\Rapport, never in the
; program's folder: installing a newer version over an older one, or uninstalling, leaves it.

#ifndef AppVersion
  #error Give the version: ISCC /DAppVersion=X.Y.Z Rapport.iss
#endif

#define AppName "Rapport"
#define Root "..\.."

[Setup]
; The AppId ties every version together, so a newer one upgrades the older in place.
; Never change it.
AppId={{6F1C2A9E-4B7D-4C1E-9A53-2D8E0F6B7A10}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
; Per user: no administrator rights, installed under %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={userpf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
; A running Rapport is asked to close before its files are replaced (its data is saved as
; it goes), and started again afterwards.
CloseApplications=yes
RestartApplications=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile={#Root}\resources\rapport.ico
UninstallDisplayIcon={app}\{#AppName}.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; The previous version's program files go first (PyInstaller's file names change between
; versions); the data folder is elsewhere and is not touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Root}\dist\{#AppName}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppName}.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppName}.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppName}.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself left in its own folder; %LOCALAPPDATA%\Rapport (the data,
; backups and logs) stays, so uninstalling never loses a record.
Type: filesandordirs; Name: "{app}\_internal"
