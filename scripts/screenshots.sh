#!/usr/bin/env bash
# Screenshots of the real window on a real X desktop (Xvfb + openbox, Qt's xcb platform, key events
# from xdotool) into docs/: at 1366×768, and at 150 % (QT_SCALE_FACTOR=1.5 on a 2049×1152 screen).
# Installs the tools it needs. See tests/desktop/screenshots.py for what is shown.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/desktop-session.sh
install_desktop_tools
[ -x .venv/bin/python ] || bash scripts/setup-env.sh

start_desktop 1366x768
.venv/bin/python -m tests.desktop.screenshots --out docs --name 1366
stop_desktop

start_desktop 2049x1152
.venv/bin/python -m tests.desktop.screenshots --out docs --name 150pct --scale 1.5
stop_desktop
