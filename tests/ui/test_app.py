"""``jcalc`` with no arguments opens the window; logging and Qt messages go to the log file."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType

from jcalc.ui.app import LOG_FILE, QUIT_AFTER_SHOW_ENV, qt_message_handler, setup_logging


def test_jcalc_without_arguments_shows_the_window_then_quits(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{QUIT_AFTER_SHOW_ENV: "1"})
    result = subprocess.run(
        [sys.executable, "-m", "jcalc"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    log = (Path(env["JCALC_DATA_DIR"]) / LOG_FILE).read_text(encoding="utf-8")
    assert "jcalc.ui.app: jcalc" in log and "starting" in log
    assert "first frame shown" in log
    assert "exiting with code 0" in log
    assert (Path(env["JCALC_CONFIG_DIR"])).is_dir()  # settings stay in the test's folder


@pytest.fixture
def file_logging() -> Iterator[Path]:
    path = setup_logging()
    yield path
    logger = logging.getLogger("jcalc")
    for handler in list(logger.handlers):
        if handler.get_name() == "jcalc-file":
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(logging.NOTSET)


def test_qt_messages_are_routed_into_logging(caplog, file_logging: Path) -> None:
    with caplog.at_level(logging.WARNING, logger="jcalc.qt"):
        qt_message_handler(QtMsgType.QtWarningMsg, QMessageLogContext(), "a Qt warning")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("jcalc.qt", "WARNING", "a Qt warning")
    ]
    assert file_logging.name == LOG_FILE
    assert "a Qt warning" in file_logging.read_text(encoding="utf-8")
