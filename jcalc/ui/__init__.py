"""PySide6 window: thin adapters over jcalc.core and jcalc.catalog.

``MainWindow`` is imported on first use, so the light start-up modules (:mod:`jcalc.ui.app`,
:mod:`jcalc.ui.window_frame`) can be imported without the catalog, the clinic's data and the
window's panels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jcalc.ui.main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    if name == "MainWindow":
        from jcalc.ui.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
