; Nurse Station: electron-builder NSIS include (electron-builder.yml, nsis.include).
;
; The station keeps its data per machine on Windows, in %ProgramData%\Nurse Station
; (electron/main/shell/data-dir.ts): every nurse's Windows login on a ward PC must see the same
; acknowledgements, and unsynced ones must not wait in one user's profile. %ProgramData% is writable
; only by administrators and by the creator of a file, so the (elevated, per-machine) installer creates
; the folder and gives the local Users group modify rights on it, inherited by every file in it.
; The trade-off is written down in docs/security-exceptions.md.
;
; NSIS has no $COMMONAPPDATA constant: $APPDATA in the "all" shell context is CSIDL_COMMON_APPDATA,
; i.e. C:\ProgramData.

!macro customInstall
  SetShellVarContext all
  CreateDirectory "$APPDATA\Nurse Station"
  ; Users by SID (S-1-5-32-545): the group's name is translated on non-English Windows.
  ; (OI)(CI)M: modify, inherited by files and subfolders; /T: also to what an earlier version left there.
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$APPDATA\Nurse Station" /grant *S-1-5-32-545:(OI)(CI)M /T /C /Q'
  Pop $0
  ${if} $0 != 0
    ; not fatal: the station then tells the second login that its cache is not writable (technical alarm)
    DetailPrint "Nurse Station: icacls could not grant the Users group write access to $APPDATA\Nurse Station (exit $0)."
    DetailPrint "Run as administrator: icacls $\"$APPDATA\Nurse Station$\" /grant *S-1-5-32-545:(OI)(CI)M /T"
  ${endif}
!macroend

; The data folder is kept on uninstall (deleteAppDataOnUninstall: false): acknowledgements and
; settings outlive a reinstall. IT removes %ProgramData%\Nurse Station by hand when a PC leaves the ward.
