"""The test set-up itself: the offscreen screen the window tests run on."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from PySide6.QtWidgets import QApplication

from tests.conftest import qt_argument_path


def test_the_tests_run_on_a_1366_by_768_screen(qtbot) -> None:
    screen = QApplication.primaryScreen()
    assert (screen.geometry().width(), screen.geometry().height()) == (1366, 768)
    assert screen.logicalDotsPerInch() == 96


def test_the_config_file_argument_has_no_colon_on_windows_either() -> None:
    """Qt splits its platform argument at the colon of a Windows drive ("configfile=D:…") and
    aborts ("Could not find platform config file D"): the path goes without its drive letter."""
    windows = PureWindowsPath(r"D:\a\jcalc\jcalc\tests\offscreen-screen.json")
    assert qt_argument_path(windows) == "/a/jcalc/jcalc/tests/offscreen-screen.json"
    posix = PurePosixPath("/work/jcalc/tests/offscreen-screen.json")
    assert qt_argument_path(posix) == "/work/jcalc/tests/offscreen-screen.json"
