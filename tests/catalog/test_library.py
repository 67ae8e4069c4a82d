"""The catalog library: the catalog in use, previous/bundled restore, fallback, atomic switch."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from jcalc.catalog import library as library_module
from jcalc.catalog.library import (
    BUNDLED,
    CatalogLibrary,
    FileLock,
    active_catalog,
    active_catalog_path,
    check_catalog_file,
    describe_active,
    open_active_catalog,
    restore_bundled,
    restore_previous,
)
from jcalc.catalog.store import CatalogError, open_catalog
from jcalc.paths import bundled_catalog_path, user_data_dir
from tests.catalog.next_quarter import fingerprint, variant_catalog


@pytest.fixture
def library() -> CatalogLibrary:
    """The per-user library (resolved now: inside the test's own user-data folder)."""
    return CatalogLibrary(user_data_dir() / "catalogs", lock_timeout=0.2)


@pytest.fixture
def variant(tmp_path: Path) -> Path:
    return variant_catalog(tmp_path / "variant.sqlite")


def catalog_files(library: CatalogLibrary) -> list[str]:
    return sorted(p.name for p in library.directory.glob("catalog-*.sqlite"))


def test_without_user_catalog_the_bundled_one_is_in_use(library: CatalogLibrary) -> None:
    active = library.active()
    assert not library.directory.exists()  # reading creates nothing
    assert active.is_bundled and active.entry == BUNDLED
    assert active.path == bundled_catalog_path()
    assert active.problem is None and active.previous is None
    assert active.quarter == "2026Q1"
    assert active.status_text == "Catalog 2026Q1 (bundled)"
    assert "bundled catalog" in active.describe() and "ASP 2026Q1" in active.describe()
    assert active_catalog_path() == bundled_catalog_path()
    assert active_catalog().entry == BUNDLED
    assert str(bundled_catalog_path()) in describe_active()
    with open_active_catalog() as catalog:
        assert catalog.path == bundled_catalog_path()


def test_library_lives_in_the_user_data_dir() -> None:
    assert CatalogLibrary().directory == user_data_dir() / "catalogs"


def test_install_makes_the_new_catalog_current_and_keeps_the_old(
    library: CatalogLibrary, variant: Path
) -> None:
    active = library.install_file(variant)
    assert not active.is_bundled
    assert active.quarter == "2026Q2"
    assert active.previous == BUNDLED
    assert active.path.parent == library.directory
    assert fingerprint(active.path) == fingerprint(variant)
    assert active.status_text.startswith("Catalog 2026Q2 (updated ")
    pointer = json.loads(library.pointer_path.read_text(encoding="utf-8"))
    assert pointer["current"] == active.entry and pointer["previous"] == BUNDLED
    with open_active_catalog() as catalog:
        assert catalog.path == active.path
        assert catalog.code("J9312") is not None
        assert str(catalog.code("J9312").payment_limit) == "99.000"  # type: ignore[union-attr]
    # nothing but the catalog, the pointer and the lock file is left behind
    names = sorted(p.name for p in library.directory.iterdir())
    assert names == sorted([active.entry, "active.json", "library.lock"])


def test_restore_previous_and_bundled(library: CatalogLibrary, variant: Path) -> None:
    user = library.install_file(variant)
    back = restore_previous()
    assert back.is_bundled and back.previous == user.entry
    again = restore_previous()
    assert again.entry == user.entry and again.previous == BUNDLED
    bundled = restore_bundled()
    assert bundled.is_bundled and bundled.previous == user.entry
    assert restore_previous().entry == user.entry


def test_second_install_drops_the_oldest(
    library: CatalogLibrary, variant: Path, tmp_path: Path
) -> None:
    first = library.install_file(variant)
    second = library.install_file(variant_catalog(tmp_path / "v3.sqlite", quarter="2026Q3"))
    assert second.previous == first.entry and second.quarter == "2026Q3"
    assert catalog_files(library) == sorted([first.entry, second.entry])
    third = library.install_file(variant_catalog(tmp_path / "v4.sqlite", quarter="2026Q4"))
    assert third.previous == second.entry
    assert first.entry not in catalog_files(library)  # neither current nor previous


def test_restore_previous_without_one(library: CatalogLibrary) -> None:
    with pytest.raises(CatalogError, match="no previous catalog"):
        library.restore_previous()


def test_restore_previous_refuses_a_damaged_previous(
    library: CatalogLibrary, variant: Path
) -> None:
    user = library.install_file(variant)
    library.restore_bundled()
    user.path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CatalogError, match="previous catalog cannot be used"):
        library.restore_previous()
    assert library.active().is_bundled


@pytest.mark.parametrize(
    "damage",
    ["truncate", "garbage", "delete", "newer-schema", "no-tables"],
)
def test_a_broken_user_catalog_falls_back_to_the_bundled_one(
    library: CatalogLibrary, variant: Path, damage: str
) -> None:
    user = library.install_file(variant)
    path = user.path
    if damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        damaged = bytearray(path.read_bytes())
        damaged[4096:8192] = b"\xff" * 4096
        path.write_bytes(bytes(damaged))
    elif damage == "delete":
        path.unlink()
    elif damage == "newer-schema":
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("PRAGMA user_version = 99")
    else:
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("DROP TABLE ndcs")
    active = library.active()  # never raises for a broken user catalog
    assert active.is_bundled
    assert active.problem and "updated catalog cannot be used" in active.problem
    assert "could not be used" in active.status_text
    assert "not used" in active.describe()
    with library.open_active() as catalog:
        assert catalog.path == bundled_catalog_path()
        assert catalog.code("J9312") is not None
    # restore_bundled is the way out: afterwards there is no problem any more
    fixed = library.restore_bundled()
    assert fixed.is_bundled and fixed.problem is None


def test_a_damaged_pointer_falls_back_and_restore_bundled_recovers(
    library: CatalogLibrary, variant: Path
) -> None:
    user = library.install_file(variant)
    library.pointer_path.write_text("{not json", encoding="utf-8")
    active = library.active()
    assert active.is_bundled and active.problem and "damaged" in active.problem
    assert library.cleanup() == []  # never deletes anything while the pointer is unreadable
    assert user.path.exists()
    fixed = library.restore_bundled()
    assert fixed.problem is None and fixed.previous == user.entry
    assert library.restore_previous().entry == user.entry


@pytest.mark.parametrize(
    "content",
    [
        [],
        {"format": "something else"},
        {"format": "jcalc-catalog-library", "version": 99, "current": "bundled"},
        {"format": "jcalc-catalog-library", "version": 1, "current": "../../etc/passwd"},
    ],
)
def test_pointer_content_is_checked(library: CatalogLibrary, content: object) -> None:
    library.directory.mkdir(parents=True)
    library.pointer_path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CatalogError):
        library.read_state()
    assert library.active().is_bundled


def test_install_refuses_a_bad_file_and_changes_nothing(
    library: CatalogLibrary, variant: Path, tmp_path: Path
) -> None:
    user = library.install_file(variant)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(CatalogError, match="cannot be used"):
        library.install_file(bad)
    assert library.active().entry == user.entry
    assert not list(library.directory.glob("staging-*"))


def test_install_refuses_when_the_catalog_in_use_changed(
    library: CatalogLibrary, variant: Path
) -> None:
    slot = library.reserve_staging()
    try:
        slot.path.write_bytes(variant.read_bytes())
        library.install_file(variant)  # another window switched meanwhile
        before = library.read_state()
        with pytest.raises(CatalogError, match="was changed"):
            library.install(slot.path, expected_current=BUNDLED)
        assert library.read_state() == before
    finally:
        slot.release(remove=True)


def test_cleanup_removes_leftovers_but_not_live_staging(
    library: CatalogLibrary, variant: Path
) -> None:
    user = library.install_file(variant)
    directory = library.directory
    live = library.reserve_staging()
    live.path.write_bytes(b"being built")
    dead_token = "0123456789abcdef"
    leftovers = [
        directory / f"staging-{dead_token}.sqlite",
        directory / f".staging-{dead_token}.sqlite.x1y2.tmp",
        directory / f"staging-{dead_token}.lock",
        directory / ".active.json.abcd.tmp",
        directory / "catalog-20200101T000000Z-0000abcd.sqlite",  # unreferenced old catalog
    ]
    for path in leftovers:
        path.write_bytes(b"x")
    removed = library.cleanup()
    assert sorted(removed) == sorted(leftovers)
    assert live.path.exists() and user.path.exists()
    live.release(remove=True)
    assert not live.path.exists()
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [user.entry, "active.json", "library.lock"]
    )


def test_file_lock_excludes_a_second_holder(tmp_path: Path) -> None:
    first, second = FileLock(tmp_path / "x.lock"), FileLock(tmp_path / "x.lock")
    assert first.acquire(timeout=0)
    assert not second.acquire(timeout=0.1)
    first.release()
    assert second.acquire(timeout=0)
    second.release()


def test_a_busy_library_gives_a_plain_error(library: CatalogLibrary, variant: Path) -> None:
    library.directory.mkdir(parents=True)
    holder = FileLock(library.directory / "library.lock")
    assert holder.acquire(timeout=0)
    try:
        with pytest.raises(CatalogError, match="another jcalc window"):
            library.install_file(variant)
    finally:
        holder.release()
    assert library.active().is_bundled


class _PowerCut(BaseException):
    """Stands for the machine stopping: raised at one step of the switch."""


def test_a_crash_at_any_step_of_the_switch_leaves_old_or_new(
    library: CatalogLibrary, variant: Path, tmp_path: Path
) -> None:
    """Stop the switch at each of its file-system steps; the catalog in use stays usable."""
    old = library.install_file(variant)
    old_print = fingerprint(old.path)
    new_source = variant_catalog(tmp_path / "new.sqlite", quarter="2026Q3", price="1.000")
    new_print = fingerprint(new_source)
    real = {
        "replace": Path.replace,
        "fsync_dir": library_module._fsync_directory,
        "fsync_file": library_module._fsync_file,
        "remove": library_module._remove,
    }
    step = 0
    outcomes: set[str] = set()
    while True:
        calls = 0

        def gate(name: str, *args: object, _stop: int = step) -> object:
            nonlocal calls
            calls += 1
            if calls == _stop + 1:
                raise _PowerCut(name)
            return real[name](*args)  # type: ignore[operator]

        slot = library.reserve_staging()
        slot.path.write_bytes(new_source.read_bytes())
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Path, "replace", lambda self, target: gate("replace", self, target))
            patch.setattr(library_module, "_fsync_directory", lambda p: gate("fsync_dir", p))
            patch.setattr(library_module, "_fsync_file", lambda p: gate("fsync_file", p))
            patch.setattr(library_module, "_remove", lambda p: gate("remove", p))
            try:
                library.install(slot.path)
                finished = True
            except _PowerCut:
                finished = False
        slot.release(remove=True)
        active = library.active()
        assert active.problem is None, active.problem
        with closing(sqlite3.connect(active.path)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        content = fingerprint(active.path)
        assert content in (old_print, new_print)
        outcomes.add("new" if content == new_print else "old")
        if finished:
            break
        # back to the old catalog for the next round
        if content == new_print:
            library.restore_previous()
        library.cleanup()
        step += 1
    assert step >= 4  # fsync, rename, dir fsync, pointer write, pointer rename, ...
    assert outcomes == {"old", "new"}


def test_check_catalog_file_reports_plainly(tmp_path: Path) -> None:
    assert check_catalog_file(bundled_catalog_path()) is None
    assert "missing" in (check_catalog_file(tmp_path / "none.sqlite") or "")
    text = tmp_path / "text.sqlite"
    text.write_text("hello", encoding="utf-8")
    assert check_catalog_file(text) is not None


def test_open_catalog_of_active_path_is_read_only(library: CatalogLibrary, variant: Path) -> None:
    active = library.install_file(variant)
    with open_catalog(active.path) as catalog, pytest.raises(sqlite3.OperationalError):
        catalog.connection.execute("DELETE FROM codes")


def test_a_failed_pointer_write_puts_the_staging_file_back(
    library: CatalogLibrary, variant: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slot = library.reserve_staging()
    slot.path.write_bytes(variant.read_bytes())

    def full_disk(_path: Path, _data: bytes) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(library_module, "write_file_atomically", full_disk)
        with pytest.raises(OSError, match="No space left"):
            library.install(slot.path)
    assert library.active().is_bundled
    assert slot.path.exists() and catalog_files(library) == []
    assert not library.install(slot.path).is_bundled  # once there is room again
    slot.release(remove=True)
