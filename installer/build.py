"""Build the frozen jcalc (``dist/jcalc/``) on this OS with PyInstaller, then smoke-test it.

    python installer/build.py                 # build, then smoke-test; exit 0 only if both pass
    python installer/build.py --smoke-only    # smoke-test an existing dist/jcalc/
    python installer/build.py --nsis          # also compile the NSIS installer (needs makensis)

The smoke test runs the frozen program the way CI and a clinic would, with the program folder
treated as read-only and the per-user folders pointed at a temporary directory:
``jcalc --version`` (must show pyproject's version), ``jcalc --self-test``, ``jcalc calc`` (the
command line), and ``jcalc --startup-probe`` (the real window, offscreen). It fails when any of
them fails or when anything was written inside the program folder.

PyInstaller comes from the ``package`` extra of pyproject.toml; it is installed into the running
interpreter's environment when missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "jcalc.spec"
NSI = ROOT / "installer" / "jcalc.nsi"
IS_WIN = sys.platform == "win32"
EXE_NAME = "jcalc.exe" if IS_WIN else "jcalc"
SMOKE_TIMEOUT = 180  # seconds per command; a hung window must not hang CI

sys.path.insert(0, str(ROOT / "installer"))
from version_info import project_version  # noqa: E402


class BuildError(Exception):
    """A build or smoke-test step failed; the message says which."""


def log(message: str) -> None:
    """Print a progress line at once."""
    print(f"[build] {message}", flush=True)


def package_requirements() -> list[str]:
    """The ``package`` extra of pyproject.toml (PyInstaller and friends)."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        extras = tomllib.load(handle)["project"].get("optional-dependencies", {})
    return [str(req) for req in extras.get("package", ["pyinstaller>=6.10"])]


def ensure_pyinstaller() -> None:
    """Install the ``package`` extra into this environment when PyInstaller is missing."""
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    requirements = package_requirements()
    log(f"installing {' '.join(requirements)}")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *requirements], check=True)


def ensure_icon() -> None:
    """Draw the icon when resources/ lacks it (it is normally committed)."""
    if (ROOT / "resources" / "jcalc.ico").is_file() and (
        ROOT / "resources" / "jcalc.png"
    ).is_file():
        return
    log("resources/jcalc.ico missing: drawing it")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, str(ROOT / "installer" / "make_icon.py")], check=True, env=env)


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; the built program folder."""
    ensure_pyinstaller()
    ensure_icon()
    log(f"PyInstaller: {SPEC.relative_to(ROOT)} -> {dist}")
    start = time.monotonic()
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        raise BuildError("PyInstaller failed")
    folder = dist / "jcalc"
    if not (folder / EXE_NAME).is_file():
        raise BuildError(f"PyInstaller finished but {folder / EXE_NAME} is missing")
    log(f"built {folder} in {time.monotonic() - start:.0f} s")
    return folder


def folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``folder``."""
    result = {}
    for path in folder.rglob("*"):
        if path.is_file() or path.is_symlink():
            info = path.lstat()
            result[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns)
    return result


@dataclass(frozen=True)
class SmokeStep:
    """One command of the smoke test and what its output must contain."""

    name: str
    args: tuple[str, ...]
    expect: str  # a regular expression searched in stdout (or the console log)


def smoke_steps(version: str) -> tuple[SmokeStep, ...]:
    """The commands run on the frozen program."""
    return (
        SmokeStep("version", ("--version",), rf"jcalc {re.escape(version)}\b"),
        SmokeStep("self-test", ("--self-test",), r"self-test passed"),
        SmokeStep(
            "command line",
            ("calc", "J9312", "450 mg", "--ndc", "50242-0053-06", "--single-dose"),
            r"J9312\s+JW\s+5 units",
        ),
        SmokeStep("start-up probe", ("--startup-probe",), r"startup_ms=\d+"),
    )


def run_step(exe: Path, step: SmokeStep, env: dict[str, str], data_dir: Path) -> str:
    """Run one step; its output. Raises BuildError when it fails."""
    console_log = data_dir / "console.log"
    console_log.unlink(missing_ok=True)
    start = time.monotonic()
    try:
        done = subprocess.run(
            [str(exe), *step.args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=SMOKE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BuildError(f"smoke test '{step.name}' hung for {SMOKE_TIMEOUT} s") from error
    output = done.stdout + done.stderr
    if console_log.is_file():  # a windowed exe without inherited handles writes here
        output += console_log.read_text(encoding="utf-8", errors="replace")
    seconds = time.monotonic() - start
    for line in output.strip().splitlines():
        print(f"    {line}")
    if done.returncode != 0:
        raise BuildError(f"smoke test '{step.name}' exited with {done.returncode}")
    if not re.search(step.expect, output):
        raise BuildError(f"smoke test '{step.name}': output lacks /{step.expect}/")
    log(f"smoke test '{step.name}' passed ({seconds:.1f} s)")
    return output


def smoke_test(folder: Path, version: str, steps: Sequence[SmokeStep] | None = None) -> None:
    """Run the frozen program's checks; BuildError names the first that fails."""
    exe = folder / EXE_NAME
    if not exe.is_file():
        raise BuildError(f"{exe} does not exist: build first")
    before = snapshot(folder)
    with tempfile.TemporaryDirectory(prefix="jcalc-smoke-") as tmp:
        data_dir = Path(tmp) / "data"
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM=os.environ.get("JCALC_SMOKE_QPA", "offscreen"),
            JCALC_DATA_DIR=str(data_dir),
            JCALC_CONFIG_DIR=str(Path(tmp) / "config"),
            PYTHONDONTWRITEBYTECODE="1",
        )
        for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            env.pop(name, None)  # the frozen program must not lean on the build environment
        data_dir.mkdir(parents=True)
        for step in steps if steps is not None else smoke_steps(version):
            log(f"smoke test '{step.name}': {EXE_NAME} {' '.join(step.args)}")
            run_step(exe, step, env, data_dir)
    after = snapshot(folder)
    changed = sorted(
        name for name in after.keys() | before.keys() if after.get(name) != before.get(name)
    )
    if changed:
        raise BuildError(
            f"the program folder was written to (it must stay read-only): {', '.join(changed[:10])}"
        )
    log("smoke test passed; the program folder was not written to")


def compile_installer(folder: Path, version: str, out_dir: Path) -> Path:
    """Compile installer/jcalc.nsi against ``folder`` with makensis; the installer's path."""
    makensis = shutil.which("makensis")
    if makensis is None:
        raise BuildError(
            "makensis not found (Debian: apt-get install nsis; Windows: choco install nsis)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"jcalc-{version}-setup.exe"
    define = "/D" if IS_WIN else "-D"
    command = [
        makensis,
        "-V2",
        f"{define}VERSION={version}",
        f"{define}SRCDIR={folder.resolve()}",
        f"{define}OUTFILE={out.resolve()}",
        f"{define}ICON={(ROOT / 'resources' / 'jcalc.ico').resolve()}",
        str(NSI),
    ]
    log(" ".join(command))
    if subprocess.run(command, check=False).returncode != 0:
        raise BuildError("makensis failed")
    log(f"installer: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Build and smoke-test; the exit code."""
    parser = argparse.ArgumentParser(description="Build dist/jcalc/ and smoke-test it.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (dist)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--smoke-only", action="store_true", help="test an existing build")
    parser.add_argument("--nsis", action="store_true", help="also compile the NSIS installer")
    args = parser.parse_args(argv)
    version = project_version(ROOT)
    try:
        folder = args.dist / "jcalc" if args.smoke_only else build(args.dist, args.work)
        size = folder_size(folder)
        log(f"{folder}: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB), version {version}")
        smoke_test(folder, version)
        if args.nsis:
            compile_installer(folder, version, args.dist)
    except (BuildError, subprocess.CalledProcessError) as error:
        log(f"FAILED: {error}")
        return 1
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
