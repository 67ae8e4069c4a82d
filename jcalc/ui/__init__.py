"""PySide6 window: thin adapters over jcalc.core and jcalc.catalog."""
