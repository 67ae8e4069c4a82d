"""Updating the catalog in use: plan (detect, read, order checks), build, commit, cancel."""

from __future__ import annotations

import threading
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog import update as update_module
from jcalc.catalog.library import BUNDLED, CatalogLibrary
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.store import open_catalog
from jcalc.catalog.update import (
    UpdateCancelledError,
    UpdateError,
    build_update,
    commit_update,
    discard_update,
    kinds_in_file,
    plan_update,
)
from jcalc.paths import user_data_dir
from tests.catalog import next_quarter as nq
from tests.catalog.next_quarter import fingerprint


@pytest.fixture
def library() -> CatalogLibrary:
    return CatalogLibrary(user_data_dir() / "catalogs", lock_timeout=0.5)


def leftovers(library: CatalogLibrary) -> list[str]:
    """Files of the catalog folder other than catalogs, the pointer and the lock."""
    return sorted(
        p.name
        for p in library.directory.iterdir()
        if not (p.name.startswith("catalog-") or p.name in ("active.json", "library.lock"))
    )


def test_full_quarter_update(
    library: CatalogLibrary, next_quarter_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    seen: list[tuple[str, float]] = []
    plan = plan_update(list(next_quarter_files.values()), library=library)
    assert plan.kinds == ("hcpcs", "asp", "crosswalk", "mue")
    assert [item.period for item in plan.files] == ["2026-04", "2026Q2", "2026Q2", "2026Q3"]
    assert not plan.needs_confirmation and plan.kept_kinds == ()
    assert plan.base.entry == BUNDLED
    assert any("HCPC2026_APR" in line for line in plan.summary_lines())

    prepared = build_update(plan, progress=lambda stage, f: seen.append((stage, f)))
    fractions = [f for _stage, f in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert {"reading the catalog in use", "comparing with the catalog in use"} <= {
        s for s, _f in seen
    }
    assert library.active().entry == BUNDLED  # nothing switched yet
    assert prepared.info.asp_quarter == "2026Q2"
    assert prepared.diff.counts()["prices_changed"] == len(nq.REPRICED)
    assert [a.code for a in prepared.diff.added] == sorted(nq.ADDED)

    active = commit_update(prepared)
    assert prepared.state == "committed"
    assert not active.is_bundled and active.previous == BUNDLED
    assert active.info.asp_quarter == "2026Q2" and active.info.mue_quarter == "2026Q3"
    # The same catalog as a fresh build of the files, plus the price history it was updated from.
    history = ("asp_quarters", "asp_prices")
    assert fingerprint(active.path, skip=history) == fingerprint(next_quarter_catalog, skip=history)
    assert [quarter.quarter for quarter in active.info.asp_quarters] == ["2026Q2", "2026Q1"]
    assert leftovers(library) == []
    with library.open_active() as catalog:
        code = catalog.code("J9312")
        assert code is not None and code.payment_limit == Decimal("80.000")
    assert library.restore_previous().is_bundled


def test_only_a_new_asp_file(library: CatalogLibrary, next_quarter_files: dict[str, Path]) -> None:
    plan = plan_update([next_quarter_files["asp"]], library=library)
    assert plan.kinds == ("asp",)
    assert plan.kept_kinds == ("hcpcs", "crosswalk", "mue")
    assert any("crosswalk for 2026Q1" in note for note in plan.notes)
    prepared = build_update(plan)
    try:
        diff = prepared.diff
        # the code dropped from the ASP file stays (the crosswalk in use lists it), unpriced
        assert [p.code for p in diff.prices_changed] == [*nq.PRICE_ORDER, nq.REMOVED]
        assert diff.prices_changed[-1].new is None and diff.prices_changed[-1].delta is None
        assert [a.code for a in diff.added] == sorted(nq.ADDED)  # priced, not yet in HCPCS
        assert not diff.terminated and not diff.descriptors_changed and not diff.mue_changed
        assert diff.ndcs_added == diff.ndcs_removed == 0
        assert prepared.info.asp_quarter == "2026Q2"
        assert prepared.info.hcpcs_release == "2026-01"
        assert prepared.info.sources["crosswalk"] == "asp_ndc_hcpcs_crosswalk_2026q1.csv"
        with open_catalog(prepared.staging) as new, open_catalog(None) as old:
            query = "SELECT * FROM ndcs ORDER BY ndc, hcpcs"
            assert new.connection.execute(query).fetchall() == (
                old.connection.execute(query).fetchall()
            )
    finally:
        discard_update(prepared)
    assert library.active().entry == BUNDLED
    assert leftovers(library) == []


def test_older_files_need_confirmation(
    library: CatalogLibrary, cms_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    """An older MUE table would replace the newer one: the biller must confirm. An older ASP file
    replaces nothing: it adds its quarter to the price history (issue 8 item 7)."""
    library.install_file(next_quarter_catalog)
    plan = plan_update([cms_files["asp"], cms_files["mue"]], library=library)
    assert plan.needs_confirmation and plan.asp_history_only
    assert len(plan.reasons) == 1
    assert (
        "MUE table for 2026Q2, older than the one in the catalog in use (2026Q3)"
        in (plan.reasons[0])
    )
    [note] = [n for n in plan.notes if "asp_payment_limit_2026q1.csv" in n]
    assert "older than the one in use (2026Q2)" in note
    assert "added to the price history" in note and "the prices in use stay 2026Q2" in note
    prepared = build_update(plan)
    assert prepared.diff.quarters_added == ("2026Q1",)
    with pytest.raises(UpdateError, match="older than the catalog in use"):
        commit_update(prepared)
    active = commit_update(prepared, accept_older=True)
    assert active.info.asp_quarter == "2026Q2"
    assert [q.quarter for q in active.info.asp_quarters] == ["2026Q2", "2026Q1"]
    assert active.info.mue_quarter == "2026Q2"


def test_an_older_asp_file_alone_adds_history_without_confirmation(
    library: CatalogLibrary, cms_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    library.install_file(next_quarter_catalog)
    with open_catalog(next_quarter_catalog) as before:
        prices_in_use = before.connection.execute(
            "SELECT hcpcs, asp_payment_limit FROM codes ORDER BY hcpcs"
        ).fetchall()
    plan = plan_update([cms_files["asp"]], library=library)
    assert not plan.needs_confirmation
    active = commit_update(build_update(plan))
    assert active.info.asp_quarter == "2026Q2"
    with open_catalog(active.path) as after:
        assert (
            after.connection.execute(
                "SELECT hcpcs, asp_payment_limit FROM codes ORDER BY hcpcs"
            ).fetchall()
            == prices_in_use
        )
        older = after.price_on("J9312", date(2026, 2, 2))
        newer = after.price_on("J9312", date(2026, 5, 5))
    assert older is not None and newer is not None
    assert (older.quarter.quarter, str(older.payment_limit)) == ("2026Q1", "74.765")
    assert (newer.quarter.quarter, str(newer.payment_limit)) == ("2026Q2", nq.REPRICED["J9312"])


def test_same_kind_twice_is_refused(
    library: CatalogLibrary, cms_files: dict[str, Path], next_quarter_files: dict[str, Path]
) -> None:
    with pytest.raises(UpdateError, match="both the ASP payment limit file"):
        plan_update([cms_files["asp"], next_quarter_files["asp"]], library=library)
    with pytest.raises(UpdateError, match="given twice"):
        plan_update([cms_files["mue"], cms_files["mue"]], library=library)
    with pytest.raises(UpdateError, match="no files given"):
        plan_update([], library=library)


def test_bad_files_get_a_plain_message(
    library: CatalogLibrary, cms_files: dict[str, Path], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Dear biller,\nthese are not the CMS files.\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match=r"notes\.txt: this is not one of the CMS files"):
        plan_update([notes], library=library)

    cut = tmp_path / "asp_cut.csv"
    data = cms_files["asp"].read_bytes()
    cut.write_bytes(data[: data.index(b"J9312") + 12])
    with pytest.raises(SourceFileError, match=r"asp_cut\.csv: .*cut off"):
        plan_update([cut], library=library)

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceFileError, match=r"empty\.csv"):
        plan_update([empty], library=library)

    broken_zip = tmp_path / "hcpcs.zip"
    zipped = cms_files["hcpcs"].read_bytes()
    broken_zip.write_bytes(zipped[: len(zipped) // 2])
    with pytest.raises(SourceFileError, match=r"hcpcs\.zip"):
        plan_update([broken_zip], library=library)

    with pytest.raises(SourceFileError, match=r"missing\.csv"):
        plan_update([tmp_path / "missing.csv"], library=library)
    assert library.active().entry == BUNDLED
    assert not library.directory.exists() or leftovers(library) == []


def test_a_zip_with_two_kinds(
    library: CatalogLibrary, next_quarter_files: dict[str, Path], tmp_path: Path
) -> None:
    bundle = tmp_path / "april-2026-asp-files.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(next_quarter_files["asp"], next_quarter_files["asp"].name)
        archive.write(next_quarter_files["crosswalk"], next_quarter_files["crosswalk"].name)
    assert kinds_in_file(bundle) == ["asp", "crosswalk"]
    plan = plan_update([bundle], library=library)
    assert plan.kinds == ("asp", "crosswalk")
    assert [item.path for item in plan.files] == [bundle, bundle]
    assert not any("crosswalk for" in note for note in plan.notes)


def test_the_official_hcpcs_zip_is_one_kind(cms_files: dict[str, Path]) -> None:
    assert kinds_in_file(cms_files["hcpcs"]) == ["hcpcs"]


def test_cancel_during_the_build_changes_nothing(
    library: CatalogLibrary, next_quarter_files: dict[str, Path]
) -> None:
    plan = plan_update([next_quarter_files["asp"]], library=library)
    cancel = threading.Event()

    def progress(stage: str, _fraction: float) -> None:
        if stage == "writing tables":
            cancel.set()

    with pytest.raises(UpdateCancelledError, match="nothing was changed"):
        build_update(plan, progress=progress, cancel=cancel)
    assert library.active().entry == BUNDLED
    assert leftovers(library) == []


def test_cancel_while_planning(library: CatalogLibrary, cms_files: dict[str, Path]) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(UpdateCancelledError):
        plan_update([cms_files["mue"]], library=library, cancel=cancel)


def test_a_failure_during_the_build_changes_nothing(
    library: CatalogLibrary,
    next_quarter_files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = plan_update([next_quarter_files["mue"]], library=library)

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(update_module, "write_catalog", full_disk)
    with pytest.raises(UpdateError, match="No space left on device"):
        build_update(plan)
    assert library.active().entry == BUNDLED
    assert leftovers(library) == []


def test_discard_and_states(library: CatalogLibrary, next_quarter_files: dict[str, Path]) -> None:
    prepared = build_update(plan_update([next_quarter_files["mue"]], library=library))
    assert prepared.staging.exists()
    discard_update(prepared)
    discard_update(prepared)  # twice is fine
    assert not prepared.staging.exists() and prepared.state == "discarded"
    with pytest.raises(UpdateError, match="already discarded"):
        commit_update(prepared)
    assert library.active().entry == BUNDLED


def test_commit_refuses_when_another_window_switched(
    library: CatalogLibrary, next_quarter_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    prepared = build_update(plan_update([next_quarter_files["mue"]], library=library))
    other = library.install_file(next_quarter_catalog)
    with pytest.raises(UpdateError, match="prepare the update again"):
        commit_update(prepared)
    assert library.active().entry == other.entry
    discard_update(prepared)
    assert leftovers(library) == []


def test_update_from_a_broken_user_catalog_starts_from_the_bundled_one(
    library: CatalogLibrary, next_quarter_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    user = library.install_file(next_quarter_catalog)
    user.path.write_bytes(b"broken")
    plan = plan_update([next_quarter_files["mue"]], library=library)
    assert plan.base.entry == BUNDLED
    assert plan.notes[0].startswith("the bundled catalog is the base of this update")
    active = commit_update(build_update(plan))
    assert active.previous == BUNDLED and active.info.mue_quarter == "2026Q3"


def test_an_older_quarters_crosswalk_given_with_its_asp_file_keeps_the_newer_ndcs(
    library: CatalogLibrary, cms_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    """A past quarter's two ASP files are given to price its dates of service: the payment
    limits join the history, and the crosswalk in use keeps its newer NDCs (issue 8 item 7:
    an older quarter's files add that quarter "without replacing newer data")."""
    library.install_file(next_quarter_catalog)
    query = "SELECT ndc, hcpcs FROM ndcs ORDER BY ndc, hcpcs"
    with open_catalog(next_quarter_catalog) as before:
        ndcs_in_use = before.connection.execute(query).fetchall()
        crosswalk_start = before.info().crosswalk_effective_from
    plan = plan_update([cms_files["asp"], cms_files["crosswalk"]], library=library)
    assert plan.asp_history_only and plan.crosswalk_held_back
    assert not plan.needs_confirmation  # nothing newer is replaced
    [note] = [n for n in plan.notes if cms_files["crosswalk"].name in n]
    assert "it is not used" in note
    assert not any("CMS publishes both" in n for n in plan.notes)  # no pairing note
    active = commit_update(build_update(plan))
    with open_catalog(active.path) as after:
        assert after.connection.execute(query).fetchall() == ndcs_in_use
        assert after.info().crosswalk_effective_from == crosswalk_start
        assert [q.quarter for q in after.asp_quarters()] == ["2026Q2", "2026Q1"]


def test_an_older_crosswalk_alone_still_needs_confirmation(
    library: CatalogLibrary, cms_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    library.install_file(next_quarter_catalog)
    plan = plan_update([cms_files["crosswalk"]], library=library)
    assert plan.needs_confirmation and not plan.crosswalk_held_back
