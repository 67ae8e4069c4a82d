"""Two jcalc windows of one user: the second warns and is read-only; a dead lock is free."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSysInfo

from jcalc.paths import user_data_dir
from jcalc.ui.app import LOG_FILE, QUIT_AFTER_SHOW_ENV
from jcalc.ui.instance import LOCK_NAME, acquire_instance_lock


def run_jcalc_window() -> tuple[subprocess.CompletedProcess[str], str]:
    """``python -m jcalc`` up to its first frame; its result and its log file."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{QUIT_AFTER_SHOW_ENV: "1"})
    result = subprocess.run(
        [sys.executable, "-m", "jcalc"], capture_output=True, text=True, env=env, timeout=120
    )
    log = (Path(env["JCALC_DATA_DIR"]) / LOG_FILE).read_text(encoding="utf-8")
    return result, log


def test_the_first_takes_the_lock_the_second_is_read_only(qtbot) -> None:
    first = acquire_instance_lock()
    try:
        assert not first.read_only and first.lock is not None
        assert first.path == user_data_dir() / LOCK_NAME and first.path.exists()
        second = acquire_instance_lock()
        assert second.read_only and second.lock is None
        assert second.owner == f"process {os.getpid()} on {QSysInfo.machineHostName()}"
    finally:
        first.release()
    third = acquire_instance_lock()
    try:
        assert not third.read_only
    finally:
        third.release()


def test_a_second_jcalc_warns_and_opens_read_only(qtbot) -> None:
    held = acquire_instance_lock()  # this process plays the first jcalc
    try:
        assert not held.read_only
        result, log = run_jcalc_window()
    finally:
        held.release()
    assert result.returncode == 0, result.stderr
    assert "jcalc is already open" in log and "this window is read-only" in log
    assert "first frame shown" in log


def test_a_lock_left_by_a_dead_jcalc_is_taken_over(qtbot) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    user_data_dir().joinpath(LOCK_NAME).write_text(
        f"{pid}\npython3\n{QSysInfo.machineHostName()}\n", encoding="utf-8"
    )
    result, log = run_jcalc_window()
    assert result.returncode == 0, result.stderr
    assert "already open" not in log
    assert not user_data_dir().joinpath(LOCK_NAME).exists()  # released at exit
