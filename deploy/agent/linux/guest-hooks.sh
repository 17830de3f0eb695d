#!/bin/sh
# Threshold agent hooks for a Linux kiosk with an auto-login guest account (example).
# The agent runs it as root with the event as its argument, e.g. ["/usr/local/lib/threshold-agent/guest-hooks.sh", "session-end"],
# and these variables: THRESHOLD_MINUTES_LEFT (warning), THRESHOLD_END_REASON (session-end:
# time, logout, staff, idle, data, ended), THRESHOLD_MESSAGE (message).
# Exit 0 when done; any other exit is reported to staff as a failure ("Last wipe failed").
# It prints nothing on purpose: the agent does not keep hook output (it could name a patron's files).
set -eu

GUEST="${THRESHOLD_GUEST:-guest}"
HOME_DIR="${THRESHOLD_GUEST_HOME:-$(getent passwd "$GUEST" | cut -d: -f6)}"
# A clean copy of the guest's home, made once by the library (see docs/workstations.md).
SKELETON="${THRESHOLD_GUEST_SKELETON:-/etc/threshold-agent/guest-skel}"
[ -n "$HOME_DIR" ] && [ "$HOME_DIR" != "/" ] || exit 2

# Show a notification on the guest's desktop.
notify() {
  uid="$(id -u "$GUEST")"
  [ -S "/run/user/$uid/bus" ] || return 0
  runuser -u "$GUEST" -- env DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" \
    notify-send --urgency=critical --app-name="Library computer" "$1" "$2" || true
}

# Log the guest out: end every process of the account (the display manager logs in afresh).
log_out() {
  loginctl terminate-user "$GUEST" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pgrep -u "$GUEST" >/dev/null || return 0
    sleep 0.5
  done
  pkill -KILL -u "$GUEST" || true
}

# Downloads, browser history, cookies and caches (Firefox, Chromium, Chrome), recent files;
# then the home is reset from the skeleton, so nothing else survives either.
wipe() {
  for p in Downloads .mozilla .cache .config/chromium .config/google-chrome .local/share/recently-used.xbel \
           .local/share/Trash .thumbnails; do
    rm -rf -- "${HOME_DIR:?}/$p"
  done
  if [ -d "$SKELETON" ]; then
    find "$HOME_DIR" -mindepth 1 -delete
    cp -a "$SKELETON/." "$HOME_DIR/"
  fi
  mkdir -p "$HOME_DIR/Downloads"
  chown -R "$GUEST:" "$HOME_DIR"
  # Check: nothing of the patron's left in the places that matter.
  [ -z "$(ls -A "$HOME_DIR/Downloads")" ] || exit 3
  for p in .mozilla/firefox .config/chromium/Default/History .config/google-chrome/Default/Cookies; do
    if [ -e "$HOME_DIR/$p" ] && [ ! -e "$SKELETON/$p" ]; then exit 4; fi
  done
}

case "${1:-}" in
  warning)
    notify "Your session ends in ${THRESHOLD_MINUTES_LEFT:-a few} minute(s)" "Save your work to a USB stick or e-mail it to yourself now. Everything on this computer is erased when the session ends." ;;
  session-end)
    log_out
    wipe ;;
  lock)
    loginctl lock-sessions ;;
  restart)
    # A minute's delay lets the agent tell the server the command was carried out.
    shutdown -r +1 "Restart requested by library staff" ;;
  shutdown)
    shutdown -h +1 "Shutdown requested by library staff" ;;
  message)
    notify "Message from library staff" "${THRESHOLD_MESSAGE:-}" ;;
  out-of-order)
    mkdir -p /run/threshold-agent && touch /run/threshold-agent/out-of-order
    notify "This computer is out of order" "Please use another computer, or ask library staff."
    loginctl lock-sessions ;;
  in-service)
    rm -f /run/threshold-agent/out-of-order
    loginctl unlock-sessions ;;
  *)
    exit 64 ;;
esac
