"""installer/build.py: its smoke test fails the build when the frozen program misbehaves.

A stand-in program (a Python script in ``dist/jcalc/``) plays the frozen jcalc, so these run in
a second; the real build and smoke test run in .ci/run.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))

import build  # noqa: E402
from version_info import project_version  # noqa: E402

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the stand-in program is a POSIX script")

STAND_IN = textwrap.dedent(
    """\
    #!{python}
    import os, sys
    from pathlib import Path
    args = sys.argv[1:]
    mode = {mode!r}
    if mode == "writes-beside-itself":
        (Path(__file__).parent / "_internal" / "cache.bin").write_text("x")
    if args == ["--version"]:
        print("jcalc " + ("0.0.0" if mode == "wrong-version" else {version!r}))
    elif args == ["--self-test"]:
        print("ok   bundled files")
        if mode == "self-test-fails":
            print("FAIL catalog integrity: catalog.sqlite is corrupt")
            sys.exit(1)
        print("self-test passed: 9 checks")
    elif args[:1] == ["calc"]:
        print("  J9312 JW      5 units  (discarded)")
    elif args == ["--startup-probe"]:
        if mode == "no-display":
            sys.exit(3)
        print("startup_ms=321.0 (first frame)")
    else:
        sys.exit(2)
    """
)


def make_stand_in(dist: Path, mode: str) -> Path:
    folder = dist / "jcalc"
    (folder / "_internal").mkdir(parents=True)
    exe = folder / build.EXE_NAME
    exe.write_text(
        STAND_IN.format(python=sys.executable, mode=mode, version=project_version()),
        encoding="utf-8",
    )
    exe.chmod(0o755)
    return folder


def test_a_good_program_passes(tmp_path: Path, capsys) -> None:
    make_stand_in(tmp_path, "good")
    assert build.main(["--smoke-only", "--dist", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for step in ("version", "self-test", "command line", "start-up probe"):
        assert f"smoke test '{step}' passed" in out
    assert "the program folder was not written to" in out


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("self-test-fails", "smoke test 'self-test' exited with 1"),
        ("wrong-version", "smoke test 'version': output lacks"),
        ("no-display", "smoke test 'start-up probe' exited with 3"),
        ("writes-beside-itself", "the program folder was written to"),
    ],
)
def test_a_failing_program_fails_the_build(tmp_path: Path, capsys, mode: str, message: str) -> None:
    make_stand_in(tmp_path, mode)
    assert build.main(["--smoke-only", "--dist", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert message in out
    assert "[build] FAILED" in out


def test_missing_build_fails(tmp_path: Path, capsys) -> None:
    assert build.main(["--smoke-only", "--dist", str(tmp_path)]) == 1
    assert "does not exist" in capsys.readouterr().out


def test_smoke_env_keeps_the_program_away_from_the_build_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, str]] = []

    def fake_run_step(exe, step, env, data_dir):
        seen.append(env)
        return ""

    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    monkeypatch.setattr(build, "run_step", fake_run_step)
    folder = make_stand_in(tmp_path, "good")
    build.smoke_test(folder, project_version())
    assert seen
    for env in seen:
        assert "PYTHONPATH" not in env
        assert env["QT_QPA_PLATFORM"] == "offscreen"
        assert Path(env["JCALC_DATA_DIR"]).parent == Path(env["JCALC_CONFIG_DIR"]).parent
        assert folder not in Path(env["JCALC_DATA_DIR"]).parents


def test_pyinstaller_comes_from_the_package_extra() -> None:
    requirements = build.package_requirements()
    assert any(req.lower().startswith("pyinstaller") for req in requirements)
