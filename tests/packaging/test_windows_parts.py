"""The Windows-specific parts that can be exercised here.

Paths: with platformdirs' Windows implementation (mocked in), the user data and settings go to
``%LOCALAPPDATA%\\jcalc\\jcalc``, the folder the installer keeps on upgrade and uninstall, never
the program folder. Console: a windowed build starts with ``sys.stdout``/``sys.stderr`` set to
None; the self-test, the start-up probe and the command line must still work and say something.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path, PureWindowsPath

import platformdirs
import platformdirs.windows
import pytest

from jcalc import console, paths
from jcalc.startup_probe import format_result, process_age_ms

ROOT = Path(__file__).resolve().parents[2]
LOCALAPPDATA = r"C:\Users\biller\AppData\Local"


@pytest.fixture
def windows_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """platformdirs as on Windows; %LOCALAPPDATA% a fixed name here, a temporary one on Windows."""
    local = str(tmp_path / "Local") if os.name == "nt" else LOCALAPPDATA
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", local)
    monkeypatch.setenv("WIN_PD_OVERRIDE_APPDATA", r"C:\Users\biller\AppData\Roaming")
    monkeypatch.delenv("JCALC_DATA_DIR", raising=False)
    monkeypatch.delenv("JCALC_CONFIG_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # off Windows the path is created as a relative name here
    return local


def test_windows_user_folders(windows_dirs: str) -> None:
    data = PureWindowsPath(str(paths.user_data_dir()))
    config = PureWindowsPath(str(paths.user_config_dir()))
    assert data == PureWindowsPath(windows_dirs, "jcalc", "jcalc")
    assert config == data  # settings live beside the data, both kept by the installer


def test_user_folders_match_the_installer(windows_dirs: str) -> None:
    nsi = (ROOT / "installer" / "jcalc.nsi").read_text(encoding="utf-8")
    match = re.search(r'!define USER_DATA_DIR "\$LOCALAPPDATA\\(.+)"', nsi)
    assert match is not None
    expected = PureWindowsPath(windows_dirs, *match.group(1).split("\\"))
    assert PureWindowsPath(str(paths.user_data_dir())) == expected
    program = re.search(r'InstallDir "\$LOCALAPPDATA\\(.+)"', nsi)
    assert program is not None
    program_dir = PureWindowsPath(windows_dirs, *program.group(1).split("\\"))
    assert program_dir not in expected.parents and expected != program_dir
    assert expected not in program_dir.parents


def test_overrides_still_win_on_windows(windows_dirs: str, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JCALC_DATA_DIR", str(tmp_path / "d"))
    assert paths.user_data_dir() == tmp_path / "d"


def test_bundled_files_come_from_the_resources_package() -> None:
    catalog = paths.bundled_catalog_path()
    assert catalog.name == "catalog.sqlite"
    assert catalog.parent == paths.resource_path("aliases.csv").parent
    assert (catalog.parent / "__init__.py").is_file()  # the package jcalc.resources


def test_no_frozen_branches_outside_paths() -> None:
    """Only jcalc/paths.py may know where files live (STYLE 8); no _MEIPASS anywhere."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "jcalc").rglob("*.py")
        if "_MEIPASS" in path.read_text(encoding="utf-8")
        or "sys.frozen" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# ---- console of a windowed executable -------------------------------------------------------


def no_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streams as in a windowed build (set in the test body: pytest resets them after setup)."""
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)


def test_existing_streams_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert console.ensure_streams(attach=lambda: pytest.fail("must not attach")) == "console"
    assert sys.stdout is out and sys.stderr is err


def test_no_console_writes_to_a_log_file_on_demand(monkeypatch, tmp_path: Path) -> None:
    no_streams(monkeypatch)
    log = tmp_path / "console.log"
    where = console.ensure_streams(attach=lambda: False, log_path=lambda: log)
    assert where == "log"
    assert sys.stdout is not None and sys.stderr is sys.stdout
    assert not log.exists()  # nothing written yet: no file
    print("÷ − self-test passed")
    print("error: something", file=sys.stderr)
    sys.stdout.flush()
    assert log.read_text(encoding="utf-8") == "÷ − self-test passed\nerror: something\n"
    sys.stdout.close()


def test_attaches_to_the_parent_console(monkeypatch) -> None:
    no_streams(monkeypatch)
    terminal = io.StringIO()
    where = console.ensure_streams(attach=lambda: True, open_console=lambda: terminal)
    assert where == "attached"
    print("hello")
    assert terminal.getvalue() == "hello\n"


def test_falls_back_to_the_log_when_the_console_cannot_be_opened(monkeypatch, tmp_path) -> None:
    no_streams(monkeypatch)
    where = console.ensure_streams(
        attach=lambda: True, open_console=lambda: None, log_path=lambda: tmp_path / "c.log"
    )
    assert where == "log"


def test_default_log_is_in_the_user_data_folder(monkeypatch, tmp_path: Path) -> None:
    no_streams(monkeypatch)
    console.ensure_streams(attach=lambda: False)
    print("x")
    sys.stdout.flush()
    assert (tmp_path / "user-data" / console.CONSOLE_LOG).read_text(encoding="utf-8") == "x\n"
    sys.stdout.close()


def test_attach_is_windows_only() -> None:
    if sys.platform != "win32":
        assert console.attach_parent_console() is False


def test_a_code_page_console_does_not_crash_on_symbols(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    console.ensure_streams()
    print("50 mg ÷ 10 mg − 1 ≥ 4")  # − and ≥ are not in cp1252
    sys.stdout.flush()
    assert raw.getvalue().decode("cp1252") == "50 mg ÷ 10 mg ? 1 ? 4\n"


WINDOWED = textwrap.dedent(
    """
    import sys
    sys.stdout = None  # as in a windowed PyInstaller build
    sys.stderr = None
    import jcalc.console
    jcalc.console.attach_parent_console = lambda: False  # no console to attach to (Windows too)
    from jcalc.cli import main
    raise SystemExit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--self-test"], r"self-test passed"),
        (["--version"], r"jcalc \d"),
        (["calc", "J1100", "30 mg"], r"J1100\s+30 units"),
        (["calc", "J1100", "zero"], r"error: "),
        (["--startup-probe"], r"startup_ms=\d+"),
    ],
)
def test_windowed_process_without_streams(args: list[str], expected: str, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", WINDOWED, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.stdout == "" and done.stderr == ""  # nothing reached the real streams
    log = tmp_path / "user-data" / console.CONSOLE_LOG
    text = log.read_text(encoding="utf-8")
    assert re.search(expected, text), text
    assert (done.returncode == 0) == (not text.startswith("error") and "error:" not in text)


# ---- start-up probe measure -----------------------------------------------------------------


def test_process_age_comes_from_the_os() -> None:
    age, source = process_age_ms()
    if sys.platform.startswith("linux"):
        assert source == "/proc/self/stat"
    elif sys.platform == "win32":
        assert source == "GetProcessTimes"
    assert 0 < age < 24 * 3600 * 1000


def test_fresh_process_age_is_small() -> None:
    probe = str(ROOT / "jcalc" / "startup_probe.py")
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('p', {probe!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "print(m.process_age_ms()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 0 < float(done.stdout) < 5000


def test_result_line_format() -> None:
    assert format_result(412.34, "/proc/self/stat", "x") == (
        "startup_ms=412.3 (x; process start from /proc/self/stat)"
    )
