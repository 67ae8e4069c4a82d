#!/usr/bin/env bash
# The real-desktop test: jcalc started as a user starts it, on Xvfb with openbox and Qt's xcb
# platform, driven by real key events (xdotool). Installs the tools it needs; extra arguments go
# to pytest. See tests/desktop/test_real_desktop.py.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/desktop-session.sh
install_desktop_tools
[ -x .venv/bin/pytest ] || bash scripts/setup-env.sh test
start_desktop 1366x768
JCALC_DESKTOP=1 QT_QPA_PLATFORM=xcb .venv/bin/python -m pytest tests/desktop -p no:cacheprovider \
  -q -rxXs "$@"
