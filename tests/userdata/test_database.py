"""The clinic database: versioned schema, migrations from v1, WAL, two writers at once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from jcalc.paths import user_data_dir
from jcalc.userdata import open_user_data
from jcalc.userdata.clinic import ClinicStore
from jcalc.userdata.database import UserDatabase, UserDataError, database_path
from jcalc.userdata.history import SummaryLog
from jcalc.userdata.migrations import LATEST_VERSION, V1_STATEMENTS, migrate, schema_version


def tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(row[0]) for row in rows}


def columns(path: Path, table: str) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [str(row[1]) for row in connection.execute(f"PRAGMA table_info({table})")]


def make_v1(path: Path) -> Path:
    """A clinic database as the first released jcalc wrote it, with some data."""
    with closing(sqlite3.connect(path)) as connection:
        for statement in V1_STATEMENTS:
            connection.execute(statement)
        connection.execute("PRAGMA user_version = 1")
        with connection:
            connection.execute(
                "INSERT INTO code_settings VALUES "
                "('J9312', '12.50', '50242005306', 'single-dose', 1, 'ask for weight', "
                "'2026-01-02T09:00:00')"
            )
            connection.execute(
                "INSERT INTO ndc_settings VALUES ('50242005306', 'ML', '2026-01-02T09:00:00')"
            )
            connection.execute("INSERT INTO settings VALUES ('clinic_name', 'Old Clinic')")
            connection.execute(
                "INSERT INTO recent_codes VALUES ('J1100', '2026-01-03T10:00:00', 4)"
            )
            summary = {
                "format": 1,
                "date_of_service": "2026-01-03",
                "entries": [],
                "administration": [{"code": "96413", "units": 1}],
                "generated_on": "2026-01-03T10:00:00",
            }
            connection.execute(
                "INSERT INTO summary_log (printed_at, action, catalog_quarter, reference, codes, "
                "search_text, lines_json, summary_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    "2026-01-03T10:00:00", "printed", "2026Q1", "visit 7", "J9312 96413",
                    "visit 7 j9312 96413", "[]", json.dumps(summary),
                ),
            )  # fmt: skip
    return path


def test_a_new_database_is_at_the_latest_version_in_wal_mode() -> None:
    with UserDatabase() as database:
        assert database.path == user_data_dir() / "clinic.sqlite" == database_path()
        assert schema_version(database.connection) == LATEST_VERSION == 2
        assert database.query("PRAGMA journal_mode")[0][0] == "wal"
        assert database.query("PRAGMA busy_timeout")[0][0] >= 5000
    assert {"code_settings", "ndc_settings", "settings", "recent_codes", "summary_log"} <= (
        tables(database_path())
    )
    assert "patient_name" in columns(database_path(), "summary_log")


def test_migration_from_the_first_schema_keeps_everything(tmp_path: Path) -> None:
    path = make_v1(tmp_path / "clinic.sqlite")
    assert "patient_name" not in columns(path, "summary_log")
    clinic, log = open_user_data(path)
    try:
        assert schema_version(clinic.database.connection) == 2
        item = clinic.code_settings("J9312")
        assert item is not None and str(item.charge_per_unit) == "12.50"
        assert item.favourite and item.note == "ask for weight"
        assert clinic.settings().clinic_name == "Old Clinic"
        assert clinic.recent_codes() == ["J1100"]
        (entry,) = log.list()
        assert entry.patient_name is None and entry.reference == "visit 7"
        # v2's code table was filled from the v1 rows
        assert [e.id for e in log.list(code="96413")] == [entry.id]
        assert entry.summary().administration[0].code == "96413"
    finally:
        clinic.close()
    assert "summary_codes" in tables(path)
    with UserDatabase(path) as again:  # opening again changes nothing
        assert schema_version(again.connection) == 2


def test_migration_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with UserDatabase(path) as database:
        assert schema_version(database.connection) == LATEST_VERSION


def test_a_failed_migration_leaves_the_last_complete_version(tmp_path: Path) -> None:
    path = make_v1(tmp_path / "clinic.sqlite")
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE summary_codes (x)")  # v2 cannot create it
    with pytest.raises(UserDataError, match="version 2 failed"):
        UserDatabase(path)
    with closing(sqlite3.connect(path)) as connection:
        assert schema_version(connection) == 1
    assert "patient_name" not in columns(path, "summary_log")  # the ALTER was rolled back


def test_a_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA user_version = 7")
    before = path.read_bytes()
    with pytest.raises(UserDataError, match="newer jcalc"):
        UserDatabase(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite"
    path.write_bytes(b"this is a letter, not a database" * 200)
    with pytest.raises(UserDataError, match="not a jcalc clinic database"):
        UserDatabase(path)


def test_migrate_to_v1_only_then_on(tmp_path: Path) -> None:
    path = tmp_path / "stepwise.sqlite"
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        assert migrate(connection, target=1) == 1
        assert "patient_name" not in columns(path, "summary_log")
        assert migrate(connection) == 2


def test_two_connections_in_threads() -> None:
    first, second = ClinicStore.open(), ClinicStore.open()
    errors: list[BaseException] = []

    def write(store: ClinicStore, start: int) -> None:
        try:
            for number in range(start, start + 60):
                store.set_charge(f"J{number:04d}", str(number))
                store.record_use(f"J{number:04d}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=write, args=(first, 1000)),
        threading.Thread(target=write, args=(second, 2000)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(first.all_code_settings()) == 120
    first.close()
    second.close()


WRITER = """
import sys
from datetime import date
from pathlib import Path
from jcalc.core.summary import AdministrationCode, ClaimSummary
from jcalc.userdata import open_user_data
clinic, log = open_user_data(Path(sys.argv[1]))
tag = sys.argv[2]
for number in range(int(sys.argv[3])):
    clinic.set_charge(f"{tag}{number:04d}", f"{number}.25")
    log.log(ClaimSummary(date(2026, 4, 1), administration=(AdministrationCode("96372"),),
                         reference=f"{tag}-{number}"))
clinic.close()
print("done")
"""


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    UserDatabase(path).close()  # created and migrated once
    count = 80
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), tag, str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and out.strip() == "done", err
    clinic, log = open_user_data(path)
    try:
        codes = [item.code for item in clinic.all_code_settings()]
        assert len(codes) == 2 * count
        assert {code[0] for code in codes} == {"A", "B"}
        references = {entry.reference for entry in log.list()}
        assert len(references) == 2 * count
        assert clinic.database.query("PRAGMA integrity_check")[0][0] == "ok"
    finally:
        clinic.close()


def test_a_busy_database_gives_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jcalc.userdata import database as database_module

    path = tmp_path / "busy.sqlite"
    UserDatabase(path).close()
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_SECONDS", 0.1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        store = ClinicStore(UserDatabase(path))
        store.database.connection.execute("PRAGMA busy_timeout = 100")
        with pytest.raises(UserDataError, match="busy"):
            store.set_favourite("J9312")
        store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with UserDatabase(path) as database:
        assert SummaryLog(database).list() == []
        assert ClinicStore(database).all_code_settings() == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_data_folder_and_database_are_private() -> None:
    database = UserDatabase()
    try:
        with database.transaction() as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS probe (x)")
        assert database.query("PRAGMA secure_delete") == [(1,)]
        folder = database.path.parent
        assert folder.stat().st_mode & 0o777 == 0o700
        for path in folder.iterdir():  # clinic.sqlite and its -wal/-shm
            assert path.stat().st_mode & 0o777 == 0o600, path
    finally:
        database.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_existing_open_folder_is_made_private(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "old-data"
    (folder / "catalogs").mkdir(parents=True)
    (folder / "clinic.sqlite").write_bytes(b"")
    (folder / "catalogs" / "c.sqlite").write_bytes(b"")
    for path in (folder, folder / "catalogs"):
        path.chmod(0o755)
    for path in (folder / "clinic.sqlite", folder / "catalogs" / "c.sqlite"):
        path.chmod(0o644)
    monkeypatch.setenv("JCALC_DATA_DIR", str(folder))
    assert user_data_dir() == folder
    assert {p.name: p.stat().st_mode & 0o777 for p in [folder, *folder.rglob("*")]} == {
        "old-data": 0o700,
        "catalogs": 0o700,
        "clinic.sqlite": 0o600,
        "c.sqlite": 0o600,
    }


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_shared_sticky_folder_is_left_alone(tmp_path: Path) -> None:
    from jcalc.paths import make_private

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    make_private(shared)
    assert shared.stat().st_mode & 0o7777 == 0o1777
