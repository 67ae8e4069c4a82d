# Sourced by desktop-test.sh and screenshots.sh: a real X desktop for jcalc, without a monitor.
#   install_desktop_tools   apt-get installs Xvfb, openbox, xdotool, ImageMagick and x11-utils if missing
#   start_desktop WxH       Xvfb on a free display (-displayfd) + openbox; exports DISPLAY
#   stop_desktop            ends both (start_desktop sets it as the EXIT trap)

DESKTOP_TOOLS="Xvfb:xvfb openbox:openbox xdotool:xdotool import:imagemagick xprop:x11-utils"

install_desktop_tools() {
  local missing="" tool
  for tool in $DESKTOP_TOOLS; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool##*:}"
  done
  [ -z "$missing" ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing:$missing"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing \
    >/dev/null
}

_wait_for() {  # _wait_for SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds
  local tries=$(( $1 * 10 )); shift
  until "$@" >/dev/null 2>&1; do
    tries=$(( tries - 1 ))
    [ "$tries" -le 0 ] && return 1
    sleep 0.1
  done
}

start_desktop() {
  local size="$1"
  DESKTOP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jcalc-desktop.XXXXXX")
  trap stop_desktop EXIT
  Xvfb -displayfd 3 -screen 0 "${size}x24" -nolisten tcp -noreset \
    3>"$DESKTOP_DIR/display" >"$DESKTOP_DIR/xvfb.log" 2>&1 &
  XVFB_PID=$!
  _wait_for 15 test -s "$DESKTOP_DIR/display" || { cat "$DESKTOP_DIR/xvfb.log" >&2; return 1; }
  export DISPLAY=":$(head -n1 "$DESKTOP_DIR/display")"
  openbox --sm-disable --config-file "$PWD/tests/desktop/openbox-rc.xml" \
    >"$DESKTOP_DIR/openbox.log" 2>&1 &
  OPENBOX_PID=$!
  _wait_for 15 sh -c 'xprop -root _NET_SUPPORTING_WM_CHECK | grep -q "window id"' \
    || { echo "openbox did not start" >&2; cat "$DESKTOP_DIR/openbox.log" >&2; return 1; }
  echo "desktop: Xvfb $DISPLAY at $size with openbox"
}

stop_desktop() {
  [ -n "${OPENBOX_PID:-}" ] && kill "$OPENBOX_PID" 2>/dev/null && wait "$OPENBOX_PID" 2>/dev/null
  [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
  [ -n "${DESKTOP_DIR:-}" ] && rm -rf "$DESKTOP_DIR"
  OPENBOX_PID="" XVFB_PID="" DESKTOP_DIR=""
  return 0
}
