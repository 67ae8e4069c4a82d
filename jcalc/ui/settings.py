"""Typed user settings, persisted as an INI file in the per-user config directory.

Every setting is declared once below with its key and default; reading a missing or damaged value
gives the default. The file is ``jcalc.ini`` in :func:`jcalc.paths.user_config_dir`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Generic, TypeVar, overload

from PySide6.QtCore import QByteArray, QSettings

from jcalc.paths import user_config_dir

log = logging.getLogger(__name__)

T = TypeVar("T", str, bool, int, QByteArray)

SETTINGS_FILE = "jcalc.ini"
PAGE_SIZES = ("Letter", "A4", "Legal")


class _Option(Generic[T]):
    """One typed setting: ``key`` in the INI file, ``default`` when absent or unreadable."""

    def __init__(self, key: str, default: T) -> None:
        self.key = key
        self.default: T = default

    @overload
    def __get__(self, obj: None, owner: type[Settings]) -> _Option[T]: ...
    @overload
    def __get__(self, obj: Settings, owner: type[Settings]) -> T: ...
    def __get__(self, obj: Settings | None, owner: type[Settings]) -> _Option[T] | T:
        if obj is None:
            return self
        return obj.read(self.key, self.default)

    def __set__(self, obj: Settings, value: T) -> None:
        obj.write(self.key, value)


class Settings:
    """The user's settings: clinic, printing, window layout.

    Pass ``path`` to use another file (tests); by default the per-user config directory is used,
    which ``JCALC_CONFIG_DIR`` overrides.
    """

    clinic_name = _Option[str]("clinic/name", "")
    printer_name = _Option[str]("printing/printer_name", "")
    page_size = _Option[str]("printing/page_size", "Letter")
    grayscale = _Option[bool]("printing/grayscale", False)
    pdf_directory = _Option[str]("printing/pdf_directory", "")
    window_geometry = _Option[QByteArray]("window/geometry", QByteArray())
    window_state = _Option[QByteArray]("window/state", QByteArray())
    main_splitter = _Option[QByteArray]("window/main_splitter", QByteArray())
    left_splitter = _Option[QByteArray]("window/left_splitter", QByteArray())
    middle_splitter = _Option[QByteArray]("window/middle_splitter", QByteArray())

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else user_config_dir() / SETTINGS_FILE
        self._store = QSettings(str(self.path), QSettings.Format.IniFormat)

    def read(self, key: str, default: T) -> T:
        """The stored value of ``key`` as the type of ``default``; ``default`` when unusable."""
        if not self._store.contains(key):
            return default
        raw = self._store.value(key)
        value = _convert(raw, default)
        if value is None:
            log.warning("setting %s in %s is unreadable (%r); default used", key, self.path, raw)
            return default
        return value

    def write(self, key: str, value: T) -> None:
        """Store ``value`` under ``key``."""
        self._store.setValue(key, value)

    def sync(self) -> None:
        """Write pending changes to the file."""
        self._store.sync()
        if self._store.status() is not QSettings.Status.NoError:
            log.warning("could not save the settings to %s (%s)", self.path, self._store.status())


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _convert(raw: object, default: T) -> T | None:
    """``raw`` (as QSettings read it from the INI file) as the type of ``default``, or None."""
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        return None
    if isinstance(default, int):
        try:
            return int(str(raw))
        except ValueError:
            return None
    if isinstance(default, str):
        if isinstance(raw, str):
            return raw
        if isinstance(raw, list) and all(isinstance(part, str) for part in raw):
            return ", ".join(raw)  # an unquoted comma in the file
        return None
    if isinstance(raw, QByteArray):
        return raw
    return None
