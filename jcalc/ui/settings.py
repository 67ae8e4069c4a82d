"""Typed settings of this PC, persisted as an INI file in the per-user config directory.

Every setting is declared once below with its key and default; reading a missing or damaged value
gives the default. The file is ``jcalc.ini`` in :func:`jcalc.paths.user_config_dir`.

Only what belongs to this PC lives here: window geometry and splitters, the last printer and
folders used. The clinic's own settings (clinic name, patient field, page size, grayscale) live in
the clinic database (:class:`jcalc.userdata.clinic.ClinicSettings`), the single source of truth
that export and import carry; :func:`migrate_clinic_settings` moves them there from the INI files
of earlier versions.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar, overload

from PySide6.QtCore import QByteArray, QSettings

from jcalc.paths import user_config_dir

if TYPE_CHECKING:  # imported where used: the window's frame reads its geometry from here
    from jcalc.printing import PrintOptions
    from jcalc.userdata.clinic import ClinicSettings, ClinicStore

log = logging.getLogger(__name__)

T = TypeVar("T", str, bool, int, QByteArray)

SETTINGS_FILE = "jcalc.ini"
__all__ = ["SETTINGS_FILE", "Settings", "migrate_clinic_settings", "print_options"]

# Keys of earlier versions, now in the clinic database.
LEGACY_CLINIC_NAME = "clinic/name"
LEGACY_PAGE_SIZE = "printing/page_size"
LEGACY_GRAYSCALE = "printing/grayscale"


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
    """This PC's settings: the last printer and folders used, the window layout.

    Pass ``path`` to use another file (tests); by default the per-user config directory is used,
    which ``JCALC_CONFIG_DIR`` overrides.
    """

    printer_name = _Option[str]("printing/printer_name", "")
    pdf_directory = _Option[str]("printing/pdf_directory", "")
    update_directory = _Option[str]("folders/cms_files", "")
    transfer_directory = _Option[str]("folders/clinic_data", "")
    window_geometry = _Option[QByteArray]("window/geometry", QByteArray())
    window_state = _Option[QByteArray]("window/state", QByteArray())
    main_splitter = _Option[QByteArray]("window/main_splitter", QByteArray())
    left_splitter = _Option[QByteArray]("window/left_splitter", QByteArray())
    middle_splitter = _Option[QByteArray]("window/middle_splitter", QByteArray())
    history_geometry = _Option[QByteArray]("history/geometry", QByteArray())
    update_geometry = _Option[QByteArray]("update/geometry", QByteArray())

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

    def contains(self, key: str) -> bool:
        """Whether the file has a value for ``key``."""
        return self._store.contains(key)

    def remove(self, key: str) -> None:
        """Delete ``key`` from the file."""
        self._store.remove(key)

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


def print_options(clinic: ClinicSettings, settings: Settings) -> PrintOptions:
    """The options to print with: the clinic's page size and grayscale, this PC's printer."""
    from jcalc.printing import PrintOptions

    return PrintOptions(
        page_size=clinic.page_size, grayscale=clinic.grayscale, printer_name=settings.printer_name
    )


def migrate_clinic_settings(settings: Settings, store: ClinicStore) -> bool:
    """Move the clinic name and printing options of an earlier version's INI file to the store.

    A value already in the store wins. The keys are removed from the INI file either way, so
    there is one source of truth. True when anything was found to migrate.
    """
    from jcalc.userdata.clinic import (
        OPTION_GRAYSCALE,
        OPTION_PAGE_SIZE,
        PAGE_SIZES,
        ClinicDataError,
        ClinicSettings,
    )

    keys = (LEGACY_CLINIC_NAME, LEGACY_PAGE_SIZE, LEGACY_GRAYSCALE)
    if not any(settings.contains(key) for key in keys):
        return False
    current = store.settings()
    name = current.clinic_name or settings.read(LEGACY_CLINIC_NAME, "")
    page_size = current.printing.get(OPTION_PAGE_SIZE) or settings.read(LEGACY_PAGE_SIZE, "Letter")
    grayscale = (
        current.grayscale
        if OPTION_GRAYSCALE in current.printing
        else settings.read(LEGACY_GRAYSCALE, False)
    )
    try:
        migrated = ClinicSettings(name, current.patient_field, current.printing).with_print_options(
            page_size=page_size if page_size in PAGE_SIZES else PAGE_SIZES[0],
            grayscale=grayscale,
        )
        store.save_settings(migrated)
    except ClinicDataError as error:
        log.warning("earlier clinic settings in %s not migrated: %s", settings.path, error)
        return False
    for key in keys:
        settings.remove(key)
    settings.sync()
    log.info("clinic name and printing options moved from %s to the clinic database", settings.path)
    return True
