"""Test set-up: offscreen Qt, a fresh per-user world for every test, no network."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path, PurePath

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def qt_argument_path(path: PurePath) -> str:
    """``path`` as a Qt platform argument, which ':' ends: on Windows without its drive letter
    (the drive the tests run from), since "D:" would end it. Qt aborts on a config file it
    cannot find."""
    if path.drive:
        return "/" + path.relative_to(path.anchor).as_posix()
    return str(path)


# Before any QApplication exists. One 1366 × 768 screen at 96 dpi, the small laptop screen billers
# have (the offscreen platform's own default is 800 × 800, smaller than the window's minimum).
OFFSCREEN_SCREEN = Path(__file__).resolve().parent / "offscreen-screen.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={qt_argument_path(OFFSCREEN_SCREEN)}"
SHARED_CMS = REPO_ROOT.parent / "shared" / "data" / "cms"


@pytest.fixture(autouse=True)
def _fresh_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every per-user directory at the test's own temporary folder."""
    monkeypatch.setenv("JCALC_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("JCALC_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


class _NetworkBlockedError(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any attempt to open an internet connection (local sockets stay allowed)."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise _NetworkBlockedError(f"test tried to open a network connection to {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield


@pytest.fixture(scope="session")
def cms_dir() -> Path:
    """The official CMS files of ../shared/data/cms; skips when they are absent."""
    if not SHARED_CMS.is_dir():
        pytest.skip(f"the CMS reference files are not at {SHARED_CMS}")
    return SHARED_CMS


@pytest.fixture(scope="session")
def cms_files(cms_dir: Path) -> dict[str, Path]:
    """Paths of the four reference inputs, by the build flag they go to."""
    return {
        "hcpcs": cms_dir / "cms-hcpcs-2026jan" / "january-2026-alpha-numeric-hcpcs-file.zip",
        "hcpcs_csv": cms_dir / "cms-hcpcs-2026jan" / "HCPC2026_JAN_ANWEB_01122026.csv",
        "asp": cms_dir / "cms-asp-2026q1" / "asp_payment_limit_2026q1.csv",
        "crosswalk": cms_dir / "cms-asp-2026q1" / "asp_ndc_hcpcs_crosswalk_2026q1.csv",
        "mue": cms_dir / "cms-mue-practitioner-2026q2" / "mue_practitioner_2026q2_level2.csv",
    }


@pytest.fixture(scope="session")
def next_quarter_files(
    cms_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """A hand-made "next quarter" of the CMS files, derived once per session from the real ones."""
    from tests.catalog import next_quarter

    return next_quarter.files_once(cms_files, tmp_path_factory)


@pytest.fixture(scope="session")
def next_quarter_catalog(
    next_quarter_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The catalog built from :func:`next_quarter_files`, once per session."""
    from tests.catalog import next_quarter

    return next_quarter.catalog_once(next_quarter_files, tmp_path_factory)
