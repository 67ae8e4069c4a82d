"""installer/jcalc.spec: onedir, windowed, icon, version, data, and the Qt filtering.

The spec is executed here with stand-ins for PyInstaller's Analysis/PYZ/EXE/COLLECT, fed with
typical Linux and Windows entries, so the filtering is checked without a (slow) real build.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "jcalc.spec"
sys.path.insert(0, str(ROOT / "installer"))

from version_info import project_version, version_tuple  # noqa: E402


@dataclass
class Captured:
    analysis: dict[str, Any] = field(default_factory=dict)
    scripts: list[str] = field(default_factory=list)
    exe: dict[str, Any] = field(default_factory=dict)
    collect: dict[str, Any] = field(default_factory=dict)
    pure: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def kept(self) -> set[str]:
        return {entry[0] for entry in self.collect["binaries"] + self.collect["datas"]}


def _fake_pyinstaller(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand-ins for the PyInstaller modules the spec imports (PyInstaller may be absent)."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.copy_metadata = lambda name: [(f"/site/{name}-0.1.0.dist-info", f"{name}.dist-info")]  # type: ignore[attr-defined]
    versioninfo = types.ModuleType("PyInstaller.utils.win32.versioninfo")

    class Record:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.args, self.kwargs = args, kwargs

    for name in (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    ):
        setattr(versioninfo, name, type(name, (Record,), {}))
    for name, module in {
        "PyInstaller": types.ModuleType("PyInstaller"),
        "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
        "PyInstaller.utils.hooks": hooks,
        "PyInstaller.utils.win32": types.ModuleType("PyInstaller.utils.win32"),
        "PyInstaller.utils.win32.versioninfo": versioninfo,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    sys.modules["PyInstaller.utils.win32"].versioninfo = versioninfo  # type: ignore[attr-defined]


def run_spec(
    monkeypatch: pytest.MonkeyPatch,
    *,
    platform: str,
    binaries: list[tuple[str, str, str]],
    datas: list[tuple[str, str, str]],
    needed: dict[str, list[str]] | None = None,
) -> Captured:
    """Execute the spec as PyInstaller would, with stand-ins; what it handed to COLLECT."""
    _fake_pyinstaller(monkeypatch)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    captured = Captured()
    graph = needed or {}

    def fake_run(command: list[str], **_kwargs: Any) -> subprocess.CompletedProcess[str]:
        assert command[:2] == ["readelf", "-d"]
        lines = [
            f" 0x0000000000000001 (NEEDED)             Shared library: [{name}]"
            for name in graph.get(command[2], [])
        ]
        return subprocess.CompletedProcess(command, 0, "\n".join(lines), "")

    monkeypatch.setattr(subprocess, "run", fake_run)

    class Analysis:
        def __init__(self, scripts: list[str], **kwargs: Any) -> None:
            captured.scripts = scripts
            captured.analysis = kwargs
            self.scripts = ["script"]
            self.pure = captured.pure
            self.binaries = list(binaries)
            self.datas = list(datas) + [  # PyInstaller's TOC form: (dest, src, kind)
                (f"{dest}/{Path(src).name}", src, "DATA") for src, dest in kwargs["datas"]
            ]

    def exe(*_args: Any, **kwargs: Any) -> str:
        captured.exe = kwargs
        return "exe"

    def collect(_exe: str, binaries: list, datas: list, **kwargs: Any) -> None:
        captured.collect = {"binaries": binaries, "datas": datas, **kwargs}

    namespace = {
        "SPECPATH": str(SPEC.parent),
        "Analysis": Analysis,
        "PYZ": lambda pure: "pyz",
        "EXE": exe,
        "COLLECT": collect,
        "__file__": str(SPEC),
        "__name__": "__main__",
    }
    code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    exec(code, namespace)
    return captured


LINUX_BINARIES = [
    ("PySide6/Qt/lib/libQt6Core.so.6", "/w/libQt6Core.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Network.so.6", "/w/libQt6Network.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Svg.so.6", "/w/libQt6Svg.so.6", "BINARY"),
    ("PySide6/QtCore.abi3.so", "/w/QtCore.abi3.so", "EXTENSION"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/w/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/w/libqoffscreen.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", "/w/libqeglfs.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqico.so", "/w/libqico.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", "/w/libqjpeg.so", "BINARY"),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/w/libqgtk3.so", "BINARY"),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "/w/libcups_ps.so", "BINARY"),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "/w/libqopenssl.so", "BINARY"),
    ("libcups.so.2", "/usr/lib/libcups.so.2", "BINARY"),
    ("libgnutls.so.30", "/usr/lib/libgnutls.so.30", "BINARY"),
    ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),
    ("libglib-2.0.so.0", "/usr/lib/libglib-2.0.so.0", "BINARY"),
    ("libpython3.11.so.1.0", "/py/libpython3.11.so.1.0", "BINARY"),
]
LINUX_DATAS = [
    ("PySide6/Qt/translations/qt_de.qm", "/w/qt_de.qm", "DATA"),
    ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
]
LINUX_NEEDED = {
    "/w/QtCore.abi3.so": ["libQt6Core.so.6", "libc.so.6"],
    "/w/libQt6Core.so.6": ["libglib-2.0.so.0"],
    "/w/libqxcb.so": ["libQt6Core.so.6"],
    "/w/libcups_ps.so": ["libcups.so.2", "libQt6Core.so.6"],
    "/usr/lib/libcups.so.2": ["libgnutls.so.30"],
    "/w/libqgtk3.so": ["libcairo.so.2"],
}


@pytest.fixture
def linux(monkeypatch: pytest.MonkeyPatch) -> Captured:
    return run_spec(
        monkeypatch,
        platform="linux",
        binaries=LINUX_BINARIES,
        datas=LINUX_DATAS,
        needed=LINUX_NEEDED,
    )


WINDOWS_BINARIES = [
    ("PySide6/Qt6Core.dll", "C:/w/Qt6Core.dll", "BINARY"),
    ("PySide6/Qt6Network.dll", "C:/w/Qt6Network.dll", "BINARY"),
    ("PySide6/Qt6Pdf.dll", "C:/w/Qt6Pdf.dll", "BINARY"),
    ("PySide6/opengl32sw.dll", "C:/w/opengl32sw.dll", "BINARY"),
    ("PySide6/d3dcompiler_47.dll", "C:/w/d3dcompiler_47.dll", "BINARY"),
    ("PySide6/QtWidgets.pyd", "C:/w/QtWidgets.pyd", "EXTENSION"),
    ("PySide6/plugins/platforms/qwindows.dll", "C:/w/qwindows.dll", "BINARY"),
    ("PySide6/plugins/platforms/qoffscreen.dll", "C:/w/qoffscreen.dll", "BINARY"),
    ("PySide6/plugins/platforms/qdirect2d.dll", "C:/w/qdirect2d.dll", "BINARY"),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", "C:/w/qmodernwindowsstyle.dll", "BINARY"),
    ("PySide6/plugins/imageformats/qico.dll", "C:/w/qico.dll", "BINARY"),
    ("PySide6/plugins/imageformats/qgif.dll", "C:/w/qgif.dll", "BINARY"),
    ("PySide6/plugins/tls/qschannelbackend.dll", "C:/w/qschannelbackend.dll", "BINARY"),
    ("python311.dll", "C:/py/python311.dll", "BINARY"),
    ("VCRUNTIME140.dll", "C:/py/VCRUNTIME140.dll", "BINARY"),
]
WINDOWS_DATAS = [("PySide6/translations/qtbase_de.qm", "C:/w/qtbase_de.qm", "DATA")]


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> Captured:
    return run_spec(monkeypatch, platform="win32", binaries=WINDOWS_BINARIES, datas=WINDOWS_DATAS)


def test_spec_is_valid_python() -> None:
    ast.parse(SPEC.read_text(encoding="utf-8"))


def test_onedir_windowed_with_icon(windows: Captured) -> None:
    exe = windows.exe
    assert exe["exclude_binaries"] is True  # onedir: binaries go to COLLECT
    assert windows.collect["name"] == "jcalc"
    assert exe["name"] == "jcalc"
    assert exe["console"] is False
    assert Path(exe["icon"]) == ROOT / "resources" / "jcalc.ico"
    assert (ROOT / "resources" / "jcalc.ico").is_file()
    assert exe["upx"] is False


def test_entry_point_is_the_package_main(windows: Captured) -> None:
    assert [Path(s) for s in windows.scripts] == [ROOT / "jcalc" / "__main__.py"]


def test_windows_version_resource_from_pyproject(windows: Captured) -> None:
    info = windows.exe["version"]
    fixed = info.kwargs["ffi"]
    numbers = version_tuple(project_version())
    assert fixed.kwargs["filevers"] == numbers
    assert fixed.kwargs["prodvers"] == numbers
    table = info.kwargs["kids"][0].args[0][0]
    strings = {s.args[0]: s.args[1] for s in table.args[1]}
    assert strings["ProductVersion"] == project_version()
    assert strings["OriginalFilename"] == "jcalc.exe"


def test_no_version_resource_off_windows(linux: Captured) -> None:
    assert linux.exe["version"] is None


def test_resources_are_bundled_as_the_jcalc_resources_package(linux: Captured) -> None:
    datas = linux.analysis["datas"]
    bundled = {Path(src).name for src, dest in datas if dest == "jcalc/resources"}
    assert {"catalog.sqlite", "aliases.csv", "jcalc.ico", "jcalc.png"} <= bundled
    assert ("jcalc.resources", str(ROOT / "resources" / "__init__.py"), "PYMODULE") in linux.pure
    assert any(dest == "jcalc.dist-info" for _src, dest in datas)  # importlib.metadata version


def test_unused_qt_modules_and_no_network_modules_excluded(linux: Captured) -> None:
    excludes = set(linux.analysis["excludes"])
    assert {"PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "ssl", "_ssl"} <= excludes
    assert "tkinter" in excludes
    for used in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPrintSupport"):
        assert used not in excludes


def test_linux_filtering(linux: Captured) -> None:
    kept = linux.kept
    for name in (
        "PySide6/Qt/lib/libQt6Core.so.6",
        "libQt6Core.so.6",
        "PySide6/QtCore.abi3.so",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/imageformats/libqico.so",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        "libglib-2.0.so.0",  # reached from Qt6Core
        "libpython3.11.so.1.0",
    ):
        assert name in kept, name
    for name in (
        "PySide6/Qt/translations/qt_de.qm",
        "PySide6/Qt/lib/libQt6Network.so.6",
        "libQt6Network.so.6",  # the top-level link too
        "PySide6/Qt/lib/libQt6Svg.so.6",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "libcups.so.2",  # left to the system
        "libgnutls.so.30",  # only reached through libcups
        "libcairo.so.2",  # only reached through the dropped gtk3 theme
    ):
        assert name not in kept, name


def test_windows_filtering(windows: Captured) -> None:
    kept = windows.kept
    for name in (
        "PySide6/Qt6Core.dll",
        "PySide6/QtWidgets.pyd",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/plugins/platforms/qoffscreen.dll",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/plugins/imageformats/qico.dll",
        "python311.dll",
        "VCRUNTIME140.dll",
    ):
        assert name in kept, name
    for name in (
        "PySide6/Qt6Network.dll",
        "PySide6/Qt6Pdf.dll",
        "PySide6/opengl32sw.dll",
        "PySide6/d3dcompiler_47.dll",
        "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/plugins/imageformats/qgif.dll",
        "PySide6/plugins/tls/qschannelbackend.dll",
        "PySide6/translations/qtbase_de.qm",
    ):
        assert name not in kept, name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("2.3.4.5", (2, 3, 4, 5)),
        ("1.2.0rc1", (1, 2, 0, 0)),
        ("0.1.0.dev3", (0, 1, 0, 0)),
    ],
)
def test_version_tuple(text: str, expected: tuple[int, int, int, int]) -> None:
    assert version_tuple(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "70000.1"])
def test_version_tuple_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="version"):
        version_tuple(text)


def test_real_version_resource_renders() -> None:
    pytest.importorskip("PyInstaller")
    pytest.importorskip("pefile")  # PyInstaller's version resource code needs it (Windows)
    from version_info import make_version_info

    text = str(make_version_info("1.2.3"))
    assert "filevers=(1, 2, 3, 0)" in text
    assert "StringStruct('ProductVersion', '1.2.3')" in text
    assert "StringStruct('OriginalFilename', 'jcalc.exe')" in text
