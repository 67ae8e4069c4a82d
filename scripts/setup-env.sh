#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine for jcalc: Qt's system libraries, a virtualenv in .venv and
# the package installed into it (with the test tools when called with "test").
# "--list-packages" prints the Debian packages it installs, one a line, and does nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

# The package of every system library that Qt's own binaries link against: the xcb platform plugin
# and libQt6XcbQpa, the GL integrations, the compose and ibus input methods, CUPS print support,
# the image-format and icon plugins, and the PySide6 modules jcalc imports. apt brings in what these
# libraries need in turn. tests/scripts/test_setup_env.py runs ldd on those binaries and fails when a
# library they load belongs to a package that this list (with its dependencies) does not install.
QT_PACKAGES=(
  libc6 libgcc-s1 libstdc++6 zlib1g libzstd1
  libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 libcups2
  libgl1 libegl1 libx11-6 libx11-xcb1 libxkbcommon0 libxkbcommon-x11-0
  libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1
  fonts-dejavu-core  # not linked, but without any font Qt draws no text
)

if [ "${1:-}" = "--list-packages" ]; then
  printf '%s\n' "${QT_PACKAGES[@]}"
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  missing=""
  for pkg in "${QT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  python3 -m venv --help >/dev/null 2>&1 || missing="$missing python3-venv"
  if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "installing system packages:$missing"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing \
      >/dev/null
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
