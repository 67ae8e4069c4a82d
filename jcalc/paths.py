"""The one place that knows where bundled data and per-user data live.

Bundled read-only files are the package ``jcalc.resources`` (the ``resources/`` folder of the source
tree), found through :mod:`importlib.resources` the same way from a checkout, a wheel or a frozen
bundle. Writable data goes to the per-user directories; ``JCALC_DATA_DIR`` and
``JCALC_CONFIG_DIR`` override them (tests point them at a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "jcalc"
APP_AUTHOR = "jcalc"


def resource_path(name: str) -> Path:
    """Filesystem path of a bundled resource file such as ``catalog.sqlite``."""
    from importlib import resources  # not at the top: the window's frame does not need it

    ref = resources.files("jcalc.resources").joinpath(name)
    return Path(str(ref))


def bundled_catalog_path() -> Path:
    """The catalog built from the CMS files and shipped with the program."""
    return resource_path("catalog.sqlite")


def user_data_dir() -> Path:
    """Per-user folder for the clinic's own data, logs and updated catalogs (created on demand)."""
    override = os.environ.get("JCALC_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    """Per-user folder for settings (created on demand)."""
    override = os.environ.get("JCALC_CONFIG_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path
