"""PySide6 window: thin adapters over jcalc.core and jcalc.catalog."""

from jcalc.ui.main_window import MainWindow

__all__ = ["MainWindow"]
