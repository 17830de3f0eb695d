#!/bin/sh
# Threshold agent hooks for a Linux kiosk with an auto-login guest account (example).
# The agent runs it as root with the event as its argument, e.g. ["/usr/local/lib/threshold-agent/guest-hooks.sh", "session-end"],
# and these variables: THRESHOLD_MINUTES_LEFT (warning), THRESHOLD_END_REASON (session-end:
# time, logout, staff, idle, data, ended), THRESHOLD_MESSAGE (message), and for "hold": THRESHOLD_EVENT
# (hold, or hold-end when it is over), THRESHOLD_TICKET (the number called, "B-17") and
# THRESHOLD_HOLD_SECONDS. The hold file is what a greeter or lock screen shows ("Held for B-17").
# Exit 0 when done; any other exit is reported to staff as a failure ("Last wipe failed"): the
# end of a session exits 3 when its own check finds anything of the patron's left.
# It prints nothing on purpose: the agent does not keep hook output (it could name a patron's files).
set -eu

GUEST="${THRESHOLD_GUEST:-guest}"
HOME_DIR="${THRESHOLD_GUEST_HOME:-$(getent passwd "$GUEST" | cut -d: -f6)}"
# What the guest's home is reset to: the library's own clean copy when it made one (see
# docs/workstations.md), else the system's default for new accounts. Nothing else is kept.
SKELETON="${THRESHOLD_GUEST_SKELETON:-/etc/threshold-agent/guest-skel}"
[ -d "$SKELETON" ] || SKELETON="${THRESHOLD_DEFAULT_SKELETON:-/etc/skel}"
# Other places a guest's files land, emptied of the guest's files only.
SHARED_TMP="${THRESHOLD_GUEST_TMP_DIRS:-/tmp /var/tmp /dev/shm}"
[ -n "$HOME_DIR" ] && [ "$HOME_DIR" != "/" ] || exit 2

# Show a notification on the guest's desktop.
notify() {
  uid="$(id -u "$GUEST" 2>/dev/null)" || return 0
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

# Everything in the home goes — documents, desktop, downloads, browser profiles (Firefox,
# Chromium, Chrome, and their snap copies under ~/snap), shell history, the keyring, caches,
# recent files, trash, thumbnails, whatever a program made — then the home is rebuilt from the
# skeleton. Removing everything rather than a list of known places is what makes it complete.
wipe() {
  find "$HOME_DIR" -mindepth 1 -delete 2>/dev/null || true
  if id -u "$GUEST" >/dev/null 2>&1; then
    for d in $SHARED_TMP; do
      [ -d "$d" ] && find "$d" -mindepth 1 -user "$GUEST" -delete 2>/dev/null || true
    done
  fi
  cp -a "$SKELETON/." "$HOME_DIR/"
  mkdir -p "$HOME_DIR/Downloads"
  chown -R "$GUEST:" "$HOME_DIR"
}

# The check, after the wipe and on its own ("check"): every entry in the home must be the
# skeleton's (same kind, same content) or the empty Downloads folder, and no file of the guest's
# may be left in the shared temporary directories. Anything else is a trace: exit 3, which the
# agent reports and the fleet page shows as "Last wipe failed".
check() {
  find "$HOME_DIR" -mindepth 1 | while IFS= read -r p; do
    rel="${p#"$HOME_DIR"/}"
    s="$SKELETON/$rel"
    if [ "$rel" = Downloads ] && [ -d "$p" ] && [ ! -L "$p" ]; then continue; fi
    if [ -L "$p" ]; then [ -L "$s" ] && [ "$(readlink "$p")" = "$(readlink "$s")" ] || exit 3
    elif [ -d "$p" ]; then [ -d "$s" ] && [ ! -L "$s" ] || exit 3
    elif [ -f "$p" ]; then [ -f "$s" ] && [ ! -L "$s" ] && cmp -s "$p" "$s" || exit 3
    else exit 3
    fi
  done || exit 3
  [ -z "$(ls -A "$HOME_DIR/Downloads" 2>/dev/null)" ] || exit 3
  if id -u "$GUEST" >/dev/null 2>&1; then
    for d in $SHARED_TMP; do
      [ ! -d "$d" ] || [ -z "$(find "$d" -mindepth 1 -user "$GUEST" -print -quit 2>/dev/null)" ] || exit 3
    done
  fi
}

case "${1:-}" in
  warning)
    notify "Your session ends in ${THRESHOLD_MINUTES_LEFT:-a few} minute(s)" "Save your work to a USB stick or e-mail it to yourself now. Everything on this computer is erased when the session ends." ;;
  session-end)
    log_out
    wipe
    check ;;
  check)
    check ;;
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
  hold)
    HOLD_FILE="${THRESHOLD_HOLD_FILE:-/run/threshold-agent/held}"
    if [ "${THRESHOLD_EVENT:-hold}" = hold-end ]; then
      rm -f "$HOLD_FILE"
    else
      mkdir -p "$(dirname "$HOLD_FILE")"
      printf 'Held for %s\n' "${THRESHOLD_TICKET:-the next ticket}" > "$HOLD_FILE"
      notify "Held for ${THRESHOLD_TICKET:-the next ticket}" "This computer is kept for ticket ${THRESHOLD_TICKET:-}. Its holder starts here by typing their claim code."
    fi ;;
  in-service)
    rm -f /run/threshold-agent/out-of-order
    loginctl unlock-sessions ;;
  *)
    exit 64 ;;
esac
