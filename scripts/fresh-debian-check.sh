#!/usr/bin/env bash
# Checks scripts/setup-env.sh's package list on a truly fresh Debian 12: debootstraps a minimal
# bookworm into a temporary folder, runs ldd there on Qt's binaries from .venv (the xcb platform,
# its GL integrations, input methods, print support, image and icon plugins, the PySide6 modules)
# before and after installing the list, and fails when a library is still not found.
# Needs root, debootstrap (installed when missing) and the Debian mirror; not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap and chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
pyside=$(.venv/bin/python -c 'import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent)')
root=$(mktemp -d "${TMPDIR:-/tmp}/jcalc-fresh.XXXXXX")
trap 'rm -rf "$root"' EXIT

echo "== debootstrap --variant=minbase bookworm"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.log" 2>&1 \
  || { tail "$root.log" >&2; exit 1; }
rm -f "$root.log"
mkdir -p "$root/opt/sp"
cp -a "$pyside" "$pyside/../shiboken6" "$root/opt/sp/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cat >"$root/opt/missing.sh" <<'SH'
#!/bin/sh
cd /opt/sp/PySide6
for f in Qt/plugins/platforms/libqxcb.so Qt/plugins/xcbglintegrations/*.so \
    Qt/plugins/platforminputcontexts/libcompose*.so Qt/plugins/platforminputcontexts/libibus*.so \
    Qt/plugins/printsupport/*.so Qt/plugins/imageformats/*.so Qt/plugins/iconengines/*.so \
    QtCore.*so QtGui.*so QtWidgets.*so QtPrintSupport.*so; do
  [ "$f" = Qt/plugins/imageformats/libqpdf.so ] && continue  # needs PySide6-Addons' libQt6Pdf
  ldd "$f" | awk '/not found/ {print $1}'
done | sort -u
SH
chmod +x "$root/opt/missing.sh"
echo "== not found before the set-up's packages:"
chroot "$root" /opt/missing.sh | tr '\n' ' '; echo
packages=$(bash scripts/setup-env.sh --list-packages | tr '\n' ' ')
chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends $packages" >"$root/apt.log" 2>&1 \
  || { tail "$root/apt.log" >&2; exit 1; }
missing=$(chroot "$root" /opt/missing.sh)
if [ -n "$missing" ]; then
  echo "== still not found after installing them: $missing" >&2
  exit 1
fi
echo "== after installing them: every library found"
