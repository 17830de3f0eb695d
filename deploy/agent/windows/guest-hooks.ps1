# Threshold agent hooks for a Windows kiosk with a local guest account (example).
# The agent (running as SYSTEM) calls it with the event as its argument, e.g.
#   ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
#    "-File", "C:\\Program Files\\Threshold\\hooks\\guest-hooks.ps1", "session-end"]
# and these variables: THRESHOLD_MINUTES_LEFT (warning), THRESHOLD_END_REASON (session-end:
# time, logout, staff, idle, data, ended), THRESHOLD_MESSAGE (message).
# Exit 0 when done; any other exit is reported to staff as a failure ("Last wipe failed").
# It writes nothing on purpose: the agent does not keep hook output (it could name a patron's files).
param([Parameter(Mandatory = $true)][string]$Action)
$ErrorActionPreference = 'Stop'

$Guest = if ($env:THRESHOLD_GUEST) { $env:THRESHOLD_GUEST } else { 'LibraryGuest' }
$GuestHome = Join-Path $env:SystemDrive "Users\$Guest"

# The guest's Windows sessions (session ids), from `quser`.
function Get-GuestSessions {
  $lines = & quser.exe 2>$null
  foreach ($line in $lines | Select-Object -Skip 1) {
    $cols = ($line.Trim() -replace '^>', '') -split '\s+'
    if ($cols[0] -eq $Guest) { ($cols | Where-Object { $_ -match '^\d+$' } | Select-Object -First 1) }
  }
}

function Show-Message([string]$Text, [int]$Seconds = 300) {
  foreach ($id in Get-GuestSessions) { & msg.exe $id /TIME:$Seconds $Text }
}

# Log the guest off and wait until its processes are gone.
function Invoke-LogOff {
  foreach ($id in Get-GuestSessions) { & logoff.exe $id }
  for ($i = 0; $i -lt 20 -and (Get-GuestSessions); $i++) { Start-Sleep -Milliseconds 500 }
  if (Get-GuestSessions) { exit 5 }
}

# Downloads, browser history, cookies and caches (Edge, Chrome, Firefox), recent files, temp.
function Invoke-Wipe {
  if (-not (Test-Path $GuestHome)) { exit 2 }
  $local = Join-Path $GuestHome 'AppData\Local'
  $roaming = Join-Path $GuestHome 'AppData\Roaming'
  $targets = @(
    (Join-Path $GuestHome 'Downloads\*'),
    (Join-Path $local 'Microsoft\Edge\User Data'),
    (Join-Path $local 'Google\Chrome\User Data'),
    (Join-Path $roaming 'Mozilla\Firefox\Profiles'),
    (Join-Path $local 'Mozilla\Firefox\Profiles'),
    (Join-Path $local 'Microsoft\Windows\INetCache\*'),
    (Join-Path $local 'Microsoft\Windows\INetCookies\*'),
    (Join-Path $local 'Microsoft\Windows\History\*'),
    (Join-Path $roaming 'Microsoft\Windows\Recent\*'),
    (Join-Path $local 'Temp\*')
  )
  foreach ($t in $targets) { Remove-Item -Path $t -Recurse -Force -ErrorAction SilentlyContinue }
  # Check: nothing of the patron's left in the places that matter.
  if (Get-ChildItem -Path (Join-Path $GuestHome 'Downloads') -Force -ErrorAction SilentlyContinue) { exit 3 }
  foreach ($t in $targets[1..4]) { if (Test-Path $t) { exit 4 } }
}

switch ($Action) {
  'warning' { Show-Message "Your session ends in $($env:THRESHOLD_MINUTES_LEFT) minute(s). Save your work now: everything on this computer is erased when the session ends." 60 }
  'session-end' { Invoke-LogOff; Invoke-Wipe }
  # Disconnecting a session brings up the lock screen; SYSTEM cannot call LockWorkStation for the user.
  'lock' { foreach ($id in Get-GuestSessions) { & tsdiscon.exe $id } }
  # A minute's delay lets the agent tell the server the command was carried out.
  'restart' { & shutdown.exe /r /t 60 /c 'Restart requested by library staff' }
  'shutdown' { & shutdown.exe /s /t 60 /c 'Shutdown requested by library staff' }
  'message' { Show-Message "Message from library staff: $($env:THRESHOLD_MESSAGE)" }
  'out-of-order' {
    Show-Message 'This computer is out of order. Please use another one, or ask library staff.' 60
    New-Item -ItemType File -Force -Path (Join-Path $env:ProgramData 'Threshold\out-of-order') | Out-Null
    foreach ($id in Get-GuestSessions) { & tsdiscon.exe $id }
  }
  # THRESHOLD_EVENT is 'hold' (THRESHOLD_TICKET, THRESHOLD_HOLD_SECONDS) or 'hold-end'; the file is for the sign-in screen.
  'hold' {
    $held = Join-Path $env:ProgramData 'Threshold\held'
    if ($env:THRESHOLD_EVENT -eq 'hold-end') { Remove-Item -Force -ErrorAction SilentlyContinue -Path $held }
    else {
      New-Item -ItemType Directory -Force -Path (Split-Path $held) | Out-Null
      Set-Content -Path $held -Value "Held for $($env:THRESHOLD_TICKET)"
      Show-Message "Held for $($env:THRESHOLD_TICKET). This computer is kept for that ticket: its holder starts here by typing their claim code." ([int]$env:THRESHOLD_HOLD_SECONDS)
    }
  }
  'in-service' { Remove-Item -Force -ErrorAction SilentlyContinue -Path (Join-Path $env:ProgramData 'Threshold\out-of-order') }
  default { exit 64 }
}
exit 0
