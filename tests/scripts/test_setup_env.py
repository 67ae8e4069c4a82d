"""scripts/setup-env.sh installs every system library Qt's xcb platform and jcalc's Qt parts load.

``ldd`` lists what each Qt binary loads (the xcb platform plugin with libQt6XcbQpa, the GL
integrations, the compose and ibus input methods, CUPS print support, the image-format and icon
plugins, the PySide6 modules jcalc imports); ``dpkg -S`` names the Debian package of each library
outside the PySide6 wheel. Each of those packages must be one the set-up script installs or one that
those depend on (apt installs them along), so a PySide6 upgrade that links a new library fails here
instead of on a biller's fresh machine. Left out on purpose: the GTK3 theme and the desktop-portal
plugins (Qt skips them quietly when their libraries are absent), the virtual keyboard and the PDF
image plugin (their Qt libraries are in PySide6-Addons, not installed), and the Wayland and
framebuffer platforms (jcalc's Linux target is X11).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "scripts" / "setup-env.sh"

# Under PySide6/: the binaries whose system libraries must be installed.
QT_BINARY_GLOBS = (
    "Qt/plugins/platforms/libqxcb.so",
    "Qt/plugins/xcbglintegrations/*.so",
    "Qt/plugins/platforminputcontexts/libcompose*.so",
    "Qt/plugins/platforminputcontexts/libibus*.so",
    "Qt/plugins/printsupport/*.so",
    "Qt/plugins/imageformats/*.so",
    "Qt/plugins/iconengines/*.so",
    "QtCore.*so",
    "QtGui.*so",
    "QtWidgets.*so",
    "QtPrintSupport.*so",
)

# Plugins of the wheel that need a Qt library of PySide6-Addons, which jcalc does not install.
ADDON_PLUGINS = frozenset({"libqpdf.so"})

_RESOLVED = re.compile(r"^(\S+) => (/\S+) \(0x[0-9a-f]+\)$")
_NOT_FOUND = re.compile(r"^(\S+) => not found$")
_LOADER = re.compile(r"^(/\S+) \(0x[0-9a-f]+\)$")
_DEPENDENCY_NAME = re.compile(r"^([a-z0-9][a-z0-9+.-]*)")


def parse_ldd(text: str) -> tuple[dict[str, Path], set[str]]:
    """The libraries ``ldd`` resolved (name to path) and those it did not find."""
    resolved: dict[str, Path] = {}
    missing: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if match := _NOT_FOUND.match(line):
            missing.add(match.group(1))
        elif match := _RESOLVED.match(line):
            resolved[match.group(1)] = Path(match.group(2))
        elif match := _LOADER.match(line):
            resolved[Path(match.group(1)).name] = Path(match.group(1))
    return resolved, missing


def parse_dpkg_search(text: str) -> dict[str, str]:
    """Path to owning package from ``dpkg-query -S`` output ("pkg:arch[, pkg2]: path")."""
    owners: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("diversion ") or ": " not in line:
            continue
        packages, path = line.split(": ", 1)
        first = packages.split(",")[0].strip()
        owners[path.strip()] = first.split(":")[0]
    return owners


def dependency_names(field: str) -> set[str]:
    """Package names of a Depends-style field, every alternative included, versions dropped."""
    names: set[str] = set()
    for clause in field.split(","):
        for alternative in clause.split("|"):
            if match := _DEPENDENCY_NAME.match(alternative.strip()):
                names.add(match.group(1))
    return names


def closure(
    roots: set[str], depends: dict[str, set[str]], providers: dict[str, set[str]]
) -> set[str]:
    """``roots`` and every package they depend on, recursively (virtual names to providers)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(depends.get(name, set()))
        todo.extend(providers.get(name, set()))
    return seen


def _usr_variants(path: Path) -> list[str]:
    """The path as dpkg may have recorded it on a merged-/usr system."""
    variants = {str(path), str(path.resolve())}
    for text in list(variants):
        variants.add(text[4:] if text.startswith("/usr/") else "/usr" + text)
    return sorted(variants)


def _setup_packages() -> set[str]:
    out = subprocess.run(
        ["bash", str(SETUP), "--list-packages"], capture_output=True, text=True, check=True
    ).stdout
    return {line.strip() for line in out.splitlines() if line.strip()}


def _installed_dependencies() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Depends and Pre-Depends of each installed package, and the providers of virtual names."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${Provides}\t${Pre-Depends}, ${Depends}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    depends: dict[str, set[str]] = {}
    providers: dict[str, set[str]] = {}
    for line in out.splitlines():
        package, provides, fields = [*line.split("\t"), "", ""][:3]
        depends.setdefault(package, set()).update(dependency_names(fields))
        for virtual in dependency_names(provides):
            providers.setdefault(virtual, set()).add(package)
    return depends, providers


def _qt_binaries(pyside: Path) -> list[Path]:
    found = [
        path
        for pattern in QT_BINARY_GLOBS
        for path in sorted(pyside.glob(pattern))
        if path.name not in ADDON_PLUGINS
    ]
    assert pyside / "Qt/plugins/platforms/libqxcb.so" in found, "no xcb platform plugin in PySide6"
    return found


def test_parse_ldd_tells_resolved_missing_and_loader_apart() -> None:
    text = (
        "\tlinux-vdso.so.1 (0x00007ffd1a1f0000)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0a1c000000)\n"
        "\t/lib64/ld-linux-x86-64.so.2 (0x00007f0a1d000000)\n"
    )
    resolved, missing = parse_ldd(text)
    assert missing == {"libxcb-icccm.so.4"}
    assert resolved == {
        "libxcb.so.1": Path("/lib/x86_64-linux-gnu/libxcb.so.1"),
        "ld-linux-x86-64.so.2": Path("/lib64/ld-linux-x86-64.so.2"),
    }


def test_dpkg_search_and_dependency_fields_are_read() -> None:
    owners = parse_dpkg_search(
        "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6\n"
        "diversion by foo from: /bin/sh\n"
        "libgl1:amd64, libgl1:i386: /usr/lib/x86_64-linux-gnu/libGL.so.1\n"
    )
    assert owners == {
        "/lib/x86_64-linux-gnu/libc.so.6": "libc6",
        "/usr/lib/x86_64-linux-gnu/libGL.so.1": "libgl1",
    }
    assert dependency_names("libc6 (>= 2.34), libx11-6 | libx11-7, libfoo:any") == {
        "libc6",
        "libx11-6",
        "libx11-7",
        "libfoo",
    }


def test_closure_follows_dependencies_and_virtual_packages_only() -> None:
    depends = {"libxcb-icccm4": {"libxcb1"}, "libxcb1": {"libxau6"}, "libgl1": {"libgl-virtual"}}
    providers = {"libgl-virtual": {"libglx0"}}
    assert closure({"libxcb-icccm4", "libgl1"}, depends, providers) == {
        "libxcb-icccm4",
        "libxcb1",
        "libxau6",
        "libgl1",
        "libgl-virtual",
        "libglx0",
    }
    assert "libxcb-keysyms1" not in closure({"libxcb1"}, depends, providers)


@pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or not Path("/etc/debian_version").exists()
    or shutil.which("ldd") is None
    or shutil.which("dpkg-query") is None,
    reason="checks the Debian packages of a Debian/Ubuntu machine",
)
def test_setup_installs_every_library_qt_loads() -> None:
    import PySide6

    pyside = Path(PySide6.__file__).resolve().parent
    bundled = (pyside, pyside.parent / "shiboken6")
    needed: dict[Path, set[str]] = {}  # system library -> the Qt binaries that load it
    missing: dict[str, set[str]] = {}
    for binary in _qt_binaries(pyside):
        out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True)
        resolved, not_found = parse_ldd(out.stdout)
        for name in not_found:
            missing.setdefault(name, set()).add(binary.name)
        for path in resolved.values():
            if not any(path.resolve().is_relative_to(folder) for folder in bundled):
                needed.setdefault(path, set()).add(binary.name)
    assert not missing, (
        f"ldd finds no {sorted(missing)} (loaded by {sorted(set().union(*missing.values()))}): "
        "add the package that ships it to QT_PACKAGES in scripts/setup-env.sh"
    )
    assert len(needed) > 20, "ldd named suspiciously few libraries"

    variants = {path: _usr_variants(path) for path in needed}
    search = subprocess.run(
        ["dpkg-query", "-S", *sorted({v for vs in variants.values() for v in vs})],
        capture_output=True,
        text=True,
        check=False,  # exits 1 when some variant is unknown, which is expected
    )
    owners = parse_dpkg_search(search.stdout)
    packages: dict[str, set[str]] = {}
    unowned: list[str] = []
    for path, names in variants.items():
        owner = next((owners[name] for name in names if name in owners), None)
        if owner is None:
            unowned.append(str(path))
        else:
            packages.setdefault(owner, set()).update(needed[path])
    assert not unowned, f"no Debian package owns {unowned}"

    listed = _setup_packages()
    depends, providers = _installed_dependencies()
    installed = closure(listed, depends, providers)
    uncovered = {
        package: sorted(users) for package, users in packages.items() if package not in installed
    }
    assert not uncovered, (
        f"Qt loads libraries of packages scripts/setup-env.sh does not install: {uncovered}"
    )
