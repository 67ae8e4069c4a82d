"""Fixtures for the window tests: the bundled catalog, a small fake one, a shown window.

Every test here fails on any Qt warning (``qt_log_level_fail``), runs offscreen, and keeps its
settings and logs in the test's temporary folder (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from jcalc.catalog.store import Catalog, open_catalog
from jcalc.paths import bundled_catalog_path
from jcalc.ui import MainWindow
from jcalc.ui.settings import Settings
from tests.ui.fakes import FakeCatalog

IN_QUARTER = date(2026, 2, 2)  # inside the bundled catalog's ASP quarter (2026Q1)
UI_DIR = Path(__file__).resolve().parent


# The offscreen platform plugin reports that it cannot pass a dialog's size hints to a window
# manager it does not have, nor raise a window above another; that is the test platform talking,
# not jcalc.
OFFSCREEN_NOISE = r"^This plugin does not support (propagateSizeHints|raise)\(\)$"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Any Qt warning fails a window test."""
    for item in items:
        if UI_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(scope="session")
def bundled_catalog() -> Iterator[Catalog]:
    """The bundled catalog, shared by the tests (read-only)."""
    if not bundled_catalog_path().exists():
        pytest.skip("resources/catalog.sqlite is not built")
    catalog = open_catalog()
    yield catalog
    catalog.close()


@pytest.fixture
def fake_catalog() -> FakeCatalog:
    """A hand-made catalog of a few codes (no SQLite)."""
    return FakeCatalog()


@pytest.fixture
def settings() -> Settings:
    """Settings in the test's temporary config directory."""
    return Settings()


def show(qtbot, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window.frame)
    window.show()
    qtbot.waitExposed(window.frame)
    window.frame.activateWindow()
    qtbot.waitUntil(window.frame.isActiveWindow)
    return window


@pytest.fixture
def window(qtbot, bundled_catalog: Catalog, settings: Settings) -> MainWindow:
    """The real window on the bundled catalog, shown and active, date of service in 2026Q1."""
    win = show(qtbot, MainWindow(catalog=bundled_catalog, settings=settings))
    win.dose_panel.set_date_of_service(IN_QUARTER)
    win.flush()
    return win


@pytest.fixture
def fake_window(qtbot, fake_catalog: FakeCatalog, settings: Settings) -> MainWindow:
    """The window on the fake catalog and its fake search."""
    win = show(
        qtbot, MainWindow(catalog=fake_catalog, settings=settings, search=fake_catalog.search)
    )
    win.dose_panel.set_date_of_service(IN_QUARTER)
    win.flush()
    return win


def type_search(qtbot, window: MainWindow, text: str) -> None:
    """Type ``text`` into the search box and press Enter, as a biller would."""
    box = window.search_box
    box.setFocus()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def answer(qtbot, window: MainWindow, name: str, button: str = "Confirm") -> None:
    """Press ``button`` (``<name>Confirm``, ``<name>Choice2``…) of the open question ``name``."""
    box: list[QMessageBox] = []

    def shown() -> bool:
        box[:] = [b for b in window.frame.findChildren(QMessageBox, name) if b.isVisible()]
        return bool(box)

    qtbot.waitUntil(shown, timeout=1000)
    pressed = box[0].findChild(QPushButton, f"{name}{button}")
    assert pressed is not None, f"{name}{button}"
    pressed.click()


def start_new_visit(qtbot, window: MainWindow) -> None:
    """Ctrl+N, confirming when the window asks (the visit was not printed or saved)."""
    window.actions.new_visit.trigger()
    if any(b.isVisible() for b in window.frame.findChildren(QMessageBox, "newVisitBox")):
        answer(qtbot, window, "newVisitBox")


def focus_name() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""
