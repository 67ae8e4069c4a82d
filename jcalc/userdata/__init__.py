"""The clinic's own data in a per-user SQLite database: settings per code and NDC, clinic
settings, recently used codes and the printed-summary log. No Qt here."""

from __future__ import annotations

from pathlib import Path

from jcalc.userdata.clinic import ClinicStore
from jcalc.userdata.database import UserDatabase, UserDataError, database_path
from jcalc.userdata.history import SummaryLog

__all__ = [
    "ClinicStore",
    "SummaryLog",
    "UserDataError",
    "UserDatabase",
    "database_path",
    "open_user_data",
]


def open_user_data(path: Path | None = None) -> tuple[ClinicStore, SummaryLog]:
    """The clinic store and the summary log over one open database (default: per-user)."""
    database = UserDatabase(path)
    return ClinicStore(database), SummaryLog(database)
