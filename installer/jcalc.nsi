; jcalc installer (NSIS 3). Per-user: no administrator rights, installs into
; %LOCALAPPDATA%\Programs\jcalc, registers its uninstaller under HKCU.
;
;   makensis -DVERSION=0.1.0 -DSRCDIR=dist\jcalc installer\jcalc.nsi
;   (python installer/build.py --nsis does this with the version from pyproject.toml)
;
; Defines: VERSION (required), SRCDIR (the PyInstaller folder, default ..\dist\jcalc),
; OUTFILE (default ..\dist\jcalc-VERSION-setup.exe), ICON (default ..\resources\jcalc.ico),
; VERSION_QUAD (four numbers for the file properties, default VERSION.0), FAST_COMPRESSION (zlib),
; AMD64 (a 64-bit installer: wine64 without wine32 can only run that).
;
; Upgrades install over the previous version in place. The clinic's settings, logs and catalogs
; live in the per-user data folder (%LOCALAPPDATA%\jcalc\jcalc, see jcalc/paths.py), never in the
; program folder, so an upgrade or an uninstall keeps them; the uninstaller deletes them only
; when the user ticks "Remove my settings and data".

!ifdef AMD64
  Target amd64-unicode  ; a 64-bit installer (needs NSIS's amd64 stubs, as in Debian's nsis)
!else
  Unicode true
!endif
ManifestDPIAware true
!ifdef FAST_COMPRESSION
  SetCompressor zlib  ; CI's compile check: quicker, larger
!else
  SetCompressor /SOLID lzma
!endif
RequestExecutionLevel user

!ifndef VERSION
  !error "Pass the version: makensis -DVERSION=x.y.z installer/jcalc.nsi"
!endif
!ifndef VERSION_QUAD
  !define VERSION_QUAD "${VERSION}.0"
!endif
!ifndef SRCDIR
  !define SRCDIR "..\dist\jcalc"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\jcalc-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\resources\jcalc.ico"
!endif

!define APP_NAME "jcalc"
!define APP_EXE "jcalc.exe"
!define PUBLISHER "jcalc"
!define APP_REG_KEY "Software\jcalc"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\jcalc"
; platformdirs.user_data_dir("jcalc", "jcalc") on Windows; the config folder is the same one.
!define USER_DATA_PARENT "$LOCALAPPDATA\jcalc"
!define USER_DATA_DIR "$LOCALAPPDATA\jcalc\jcalc"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\jcalc"
InstallDirRegKey HKCU "${APP_REG_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION_QUAD}"
VIFileVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} ${VERSION} setup"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME} now"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

; ---- install -------------------------------------------------------------------------------

; Stops while jcalc is running: its files are locked and could not be replaced.
!macro WaitUntilClosed FILE
  ${If} ${FileExists} "${FILE}"
    retry_open:
    ClearErrors
    FileOpen $0 "${FILE}" a
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
        "${APP_NAME} is running. Close it, then click Retry." /SD IDCANCEL IDRETRY retry_open
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
!macroend

Section "${APP_NAME} (required)" SecProgram
  SectionIn RO
  SetShellVarContext current
  !insertmacro WaitUntilClosed "$INSTDIR\${APP_EXE}"

  ; Upgrade in place: replace the previous version's program files only. The user's data is
  ; not under $INSTDIR, and nothing else in $INSTDIR is touched.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"

  SetOutPath "$INSTDIR"
  File /r "${SRCDIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  WriteRegStr HKCU "${APP_REG_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${APP_REG_KEY}" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Start menu shortcut" SecStartMenu
  SetShellVarContext current
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
SectionEnd

Section /o "Desktop shortcut" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "The program (no administrator rights needed)."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecStartMenu} "A shortcut in the Start menu."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "A shortcut on the desktop."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; ---- uninstall -----------------------------------------------------------------------------

Section "un.${APP_NAME}" UnSecProgram
  SectionIn RO
  SetShellVarContext current
  !insertmacro WaitUntilClosed "$INSTDIR\${APP_EXE}"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  ; Only what the installer put there: never a recursive delete of $INSTDIR itself.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${APP_REG_KEY}"
SectionEnd

Section /o "un.Remove my settings and data" UnSecUserData
  SetShellVarContext current
  RMDir /r "${USER_DATA_DIR}"
  RMDir "${USER_DATA_PARENT}"
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecProgram} "The program and its shortcuts."
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecUserData} \
    "Also delete your settings, logs and catalogs in ${USER_DATA_DIR}. Leave unticked to keep them."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
