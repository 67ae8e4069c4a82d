"""installer/jcalc.nsi and .github/workflows/windows.yml: what they promise, and that they parse.

The NSIS script is compiled with makensis against a stub program folder when makensis is on the
PATH (Debian: nsis); .ci/run compiles it against the real bundle.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "installer" / "jcalc.nsi"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


@pytest.fixture(scope="module")
def nsi() -> str:
    return NSI.read_text(encoding="utf-8")


def _code(text: str) -> str:
    """The script without comments."""
    return "\n".join(line.split(";", 1)[0] for line in text.splitlines())


def _section(code: str, title: str) -> str:
    start = code.index(f"Section {title}") if f"Section {title}" in code else code.index(title)
    return code[start : code.index("SectionEnd", start)]


def test_per_user_without_admin_rights(nsi: str) -> None:
    code = _code(nsi)
    assert re.search(r"^RequestExecutionLevel user$", code, re.MULTILINE)
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\jcalc"' in code
    assert "HKLM" not in code and "$PROGRAMFILES" not in code
    assert "SetShellVarContext all" not in code


def test_uninstaller_registered_under_hkcu(nsi: str) -> None:
    code = _code(nsi)
    assert 'UNINSTALL_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\jcalc"' in code
    for value in ("DisplayName", "DisplayVersion", "UninstallString", "InstallLocation"):
        assert f'WriteRegStr HKCU "${{UNINSTALL_KEY}}" "{value}"' in code
    assert 'WriteUninstaller "$INSTDIR\\uninstall.exe"' in code
    assert 'DeleteRegKey HKCU "${UNINSTALL_KEY}"' in code


def test_shortcuts_start_menu_by_default_desktop_optional(nsi: str) -> None:
    code = _code(nsi)
    assert re.search(r'^Section "Start menu shortcut"', code, re.MULTILINE)
    assert re.search(r'^Section /o "Desktop shortcut"', code, re.MULTILINE)
    assert "$SMPROGRAMS\\${APP_NAME}.lnk" in code
    assert "$DESKTOP\\${APP_NAME}.lnk" in code


def test_version_is_a_required_define(nsi: str) -> None:
    code = _code(nsi)
    assert re.search(r"!ifndef VERSION\s+!error", code)
    assert 'Name "${APP_NAME} ${VERSION}"' in code
    assert 'WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"' in code


def test_user_data_kept_unless_the_user_asks(nsi: str) -> None:
    code = _code(nsi)
    # The data folder is the one platformdirs gives jcalc on Windows (see test_windows_parts).
    assert 'USER_DATA_DIR "$LOCALAPPDATA\\jcalc\\jcalc"' in code
    optional = _section(code, '/o "un.Remove my settings and data"')
    assert 'RMDir /r "${USER_DATA_DIR}"' in optional
    # Nothing else deletes anything in the data folder.
    elsewhere = code.replace(optional, "")
    deleting = [
        line
        for line in elsewhere.splitlines()
        if re.match(r"\s*(RMDir|Delete)\b", line) and "USER_DATA" in line
    ]
    assert deleting == []
    others = [line for line in elsewhere.splitlines() if not line.startswith("!define USER_DATA")]
    assert not any("$LOCALAPPDATA\\jcalc" in line for line in others)


def test_never_deletes_the_install_folder_recursively(nsi: str) -> None:
    code = _code(nsi)
    assert not re.search(r'RMDir /r "\$INSTDIR"', code)
    assert 'RMDir /r "$INSTDIR\\_internal"' in code  # only the program's own files
    assert re.search(r'^\s*RMDir "\$INSTDIR"$', code, re.MULTILINE)  # removed only when empty


def test_upgrade_in_place(nsi: str) -> None:
    code = _code(nsi)
    assert 'InstallDirRegKey HKCU "${APP_REG_KEY}" "InstallDir"' in code
    program = _section(code, '"${APP_NAME} (required)"')
    assert program.index('RMDir /r "$INSTDIR\\_internal"') < program.index("File /r")
    assert "WaitUntilClosed" in program


def _stub_program(folder: Path) -> Path:
    (folder / "_internal" / "jcalc" / "resources").mkdir(parents=True)
    (folder / "jcalc.exe").write_bytes(b"MZ stub")
    (folder / "_internal" / "jcalc" / "resources" / "catalog.sqlite").write_bytes(b"stub")
    return folder


@pytest.fixture
def makensis() -> str:
    found = shutil.which("makensis")
    if found is None:
        pytest.skip("makensis is not installed (Debian package nsis)")
    return found


def test_compiles_with_makensis(makensis: str, tmp_path: Path) -> None:
    program = _stub_program(tmp_path / "jcalc")
    out = tmp_path / "jcalc-9.8.7-setup.exe"
    done = subprocess.run(
        [
            makensis,
            "-V2",
            "-WX",  # warnings are errors
            "-DFAST_COMPRESSION",
            "-DVERSION=9.8.7",
            f"-DSRCDIR={program}",
            f"-DOUTFILE={out}",
            str(NSI),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = out.read_bytes()
    assert data[:2] == b"MZ"
    assert b"Nullsoft" in data


def test_refuses_to_compile_without_a_version(makensis: str, tmp_path: Path) -> None:
    program = _stub_program(tmp_path / "jcalc")
    done = subprocess.run(
        [makensis, "-V2", f"-DSRCDIR={program}", f"-DOUTFILE={tmp_path / 'x.exe'}", str(NSI)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Pass the version" in done.stdout + done.stderr


# ---- the Windows workflow -------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def _runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in _steps(workflow))


def test_workflow_runs_on_windows_with_python_311(workflow: dict) -> None:
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "windows-latest"
    assert job["env"]["QT_QPA_PLATFORM"] == "offscreen"
    setup = next(
        s for s in _steps(workflow) if s.get("uses", "").startswith("actions/setup-python")
    )
    assert setup["with"]["python-version"] == "3.11"
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads on: as True
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)


def test_workflow_tests_builds_smoke_tests_and_packages(workflow: dict) -> None:
    runs = _runs(workflow)
    order = [
        'pip install -e ".[test,package]"',
        "python -m pytest",
        "python installer/build.py",
        "makensis",
        "--self-test",
    ]
    positions = [runs.index(text) for text in order]
    assert positions == sorted(positions)
    assert "/DVERSION=$version" in runs and "installer\\jcalc.nsi" in runs
    uploads = [
        s for s in _steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact")
    ]
    assert any("setup.exe" in s["with"]["path"] for s in uploads)
    assert all(s["with"]["if-no-files-found"] == "error" for s in uploads)


def test_workflow_actions_are_pinned_to_a_major_version(workflow: dict) -> None:
    for step in _steps(workflow):
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_workflow_checks_upgrade_keeps_user_data(workflow: dict) -> None:
    runs = _runs(workflow)
    assert 'Join-Path $env:LOCALAPPDATA "jcalc\\jcalc"' in runs
    assert "the upgrade deleted user data" in runs
    assert "the uninstaller deleted user data" in runs
    assert "_?=$programs" in runs  # run the uninstaller in place so -Wait waits for it
