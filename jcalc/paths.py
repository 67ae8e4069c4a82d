"""The one place that knows where bundled data and per-user data live.

Bundled read-only files are the package ``jcalc.resources`` (the ``resources/`` folder of the source
tree), found through :mod:`importlib.resources` the same way from a checkout, a wheel or a frozen
bundle. Writable data goes to the per-user directories; ``JCALC_DATA_DIR`` and
``JCALC_CONFIG_DIR`` override them (tests point them at a temporary folder).

On POSIX both folders are private: created 0700, and the first use in a process tightens an
existing folder to 0700 and its files to 0600 (they hold logged patient names). On Windows the
per-user profile folder (``%LOCALAPPDATA%``) is already private to the account.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import platformdirs

APP_NAME = "jcalc"
APP_AUTHOR = "jcalc"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_made_private: set[Path] = set()


def resource_path(name: str) -> Path:
    """Filesystem path of a bundled resource file such as ``catalog.sqlite``."""
    from importlib import resources  # not at the top: the window's frame does not need it

    ref = resources.files("jcalc.resources").joinpath(name)
    return Path(str(ref))


def bundled_catalog_path() -> Path:
    """The catalog built from the CMS files and shipped with the program."""
    return resource_path("catalog.sqlite")


def make_private(folder: Path) -> None:
    """Folder and subfolders 0700, files 0600 (POSIX; only what this account owns).

    A shared folder (another owner, or the sticky bit as on ``/tmp``) is left alone.
    """
    if os.name != "posix":
        return
    try:
        info = folder.stat()
    except OSError:
        return
    if info.st_uid != os.getuid() or info.st_mode & stat.S_ISVTX:
        return
    _tighten(folder, PRIVATE_DIR_MODE)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            _tighten(Path(root, name), PRIVATE_DIR_MODE)
        for name in files:
            _tighten(Path(root, name), PRIVATE_FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
            return
        if stat.S_IMODE(info.st_mode) & ~mode:
            path.chmod(stat.S_IMODE(info.st_mode) & mode)


def _private_dir(path: Path) -> Path:
    """``path`` created (0700 on POSIX) and, once per process, made private."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if path not in _made_private:
        make_private(path)
        _made_private.add(path)
    return path


def user_data_dir() -> Path:
    """Per-user folder for the clinic's own data, logs and updated catalogs (created on demand)."""
    override = os.environ.get("JCALC_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    return _private_dir(path)


def user_config_dir() -> Path:
    """Per-user folder for settings (created on demand)."""
    override = os.environ.get("JCALC_CONFIG_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    return _private_dir(path)
