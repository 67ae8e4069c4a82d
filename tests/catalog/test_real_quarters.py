"""Every real quarter in ../shared/data/cms builds and updates, in any combination.

The July 2025 crosswalk's skin-substitute rows carry product identifiers that are not NDCs
(``GG100``); the 2019 HCPCS file has no month in its name and a disclaimer block. Each must
import, with every row either imported or reported.
"""

from __future__ import annotations

import itertools
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from jcalc.catalog.build import build_catalog
from jcalc.catalog.library import CatalogLibrary
from jcalc.catalog.search import search
from jcalc.catalog.store import open_catalog
from jcalc.catalog.update import build_update, commit_update, plan_update
from jcalc.paths import user_data_dir


def real_sets(cms_dir: Path) -> dict[str, dict[str, Path]]:
    """The real files by kind, per release."""
    return {
        "hcpcs": {
            "2026-01": cms_dir / "cms-hcpcs-2026jan" / "january-2026-alpha-numeric-hcpcs-file.zip",
            "2019-01": cms_dir / "cms-hcpcs-2019" / "2019-Alpha-Numeric-HCPCS-File.zip",
        },
        "asp": {
            "2026Q1": cms_dir / "cms-asp-2026q1" / "asp_payment_limit_2026q1.csv",
            "2025Q3": cms_dir / "cms-asp-2025q3" / "asp_payment_limit_2025q3.csv",
        },
        "crosswalk": {
            "2026Q1": cms_dir / "cms-asp-2026q1" / "asp_ndc_hcpcs_crosswalk_2026q1.csv",
            "2025Q3": cms_dir / "cms-asp-2025q3" / "asp_ndc_hcpcs_crosswalk_2025q3.csv",
        },
        "mue": {
            "2026Q2": cms_dir / "cms-mue-practitioner-2026q2" / "mue_practitioner_2026q2_level2.csv"
        },
    }


@pytest.fixture(scope="module")
def july_2025(cms_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of the July 2025 ASP files, the 2019 HCPCS file and the 2026Q2 MUE table."""
    files = real_sets(cms_dir)
    out = tmp_path_factory.mktemp("july") / "catalog.sqlite"
    build_catalog(
        hcpcs=files["hcpcs"]["2019-01"], asp=files["asp"]["2025Q3"],
        crosswalk=files["crosswalk"]["2025Q3"], mue=files["mue"]["2026Q2"], out=out,
    )  # fmt: skip
    return out


def test_the_july_2025_quarter_builds_with_its_product_identifiers(july_2025: Path) -> None:
    with closing(sqlite3.connect(july_2025)) as conn:
        identifiers = dict(conn.execute("SELECT identifier, hcpcs FROM alternate_products"))
        sources = conn.execute(
            "SELECT kind, rows_read, imported, skipped FROM source_rows ORDER BY kind"
        ).fetchall()
        skipped = conn.execute("SELECT COUNT(*) FROM skipped_rows").fetchone()[0]
        bad_ndcs = conn.execute(
            "SELECT COUNT(*) FROM ndcs WHERE length(ndc) != 11 OR ndc GLOB '*[^0-9]*'"
        ).fetchone()[0]
    assert identifiers["GG100"] == "Q4111"
    assert identifiers["51120-61052"] == "Q4115"
    assert bad_ndcs == 0  # ndcs keeps real 11-digit NDCs only
    assert sources == [
        ("asp", 970, 970, 0),
        ("crosswalk", 7873, 7873, 0),
        ("hcpcs", 6800, 6440, 0),
        ("mue", 4523, 4523, 0),
    ]
    assert skipped == 0
    with open_catalog(july_2025) as catalog:
        info = catalog.info()
        assert info.hcpcs_release == "2019-01"
        assert info.counts["q_codes"] > 100 and info.counts["radiopharmaceutical_codes"] > 50
        gammagraft = [p for p in catalog.ndcs_for_code("Q4111") if p.extra]
        assert {p.ndc for p in gammagraft} >= {"GG100", "GG225"}
        assert catalog.ndc("GG100") == []  # never found as an NDC


def test_skin_substitutes_are_found_by_name_code_and_product(july_2025: Path) -> None:
    with open_catalog(july_2025) as catalog:
        conn = catalog.connection
        assert search(conn, "apligraf")[0].hcpcs == "Q4101"
        assert search(conn, "q4101")[0].hcpcs == "Q4101"
        assert "Q4111" in {hit.hcpcs for hit in search(conn, "gammagraft")}
        assert "Q4128" in {hit.hcpcs for hit in search(conn, "allopatch")}  # product name only


ORDERS = list(itertools.permutations(["2026", "july"]))


@pytest.mark.parametrize("order", ORDERS, ids=["-then-".join(o) for o in ORDERS])
def test_real_quarters_update_in_either_order(cms_dir: Path, order: tuple[str, str]) -> None:
    files = real_sets(cms_dir)
    sets = {
        "2026": [files["hcpcs"]["2026-01"], files["asp"]["2026Q1"], files["crosswalk"]["2026Q1"]],
        "july": [files["hcpcs"]["2019-01"], files["asp"]["2025Q3"], files["crosswalk"]["2025Q3"]],
    }
    library = CatalogLibrary(user_data_dir() / "catalogs", lock_timeout=0.5)
    for name in order:
        plan = plan_update(sets[name], library=library)
        older = [reason.split(" ")[0] for reason in plan.reasons]
        if name == "july":  # older than the bundled 2026 catalog, or than the one just used;
            # an older ASP file is not "older": it adds its quarter to the price history, and
            # the crosswalk given with it does not replace the newer one in use
            assert older == [sets["july"][0].name]
            assert plan.asp_history_only and plan.crosswalk_held_back
            assert any("the NDCs of the crosswalk in use (2026Q1) stay" in n for n in plan.notes)
        prepared = build_update(plan)
        skips = prepared.summary.skip_lines()
        crosswalk_used = sets["2026"][2].name
        assert any(line.startswith(crosswalk_used) for line in skips)
        if name == "july":  # the older ASP file's rows, read into the price history, too
            assert "asp_payment_limit_2025q3.csv: 970 rows read, 970 imported, 0 skipped" in skips
        commit_update(prepared, accept_older=True)
    with library.open_active() as catalog:
        info = catalog.info()
        expected = ("2019-01", "2026Q1") if order[-1] == "july" else ("2026-01", "2026Q1")
        assert (info.hcpcs_release, info.asp_quarter) == expected  # prices in use: the newest
        assert info.crosswalk_effective_from == date(2026, 1, 1)  # newer NDCs never replaced
        assert {q.quarter for q in catalog.asp_quarters()} == {"2025Q3", "2026Q1"}


def test_a_partial_update_keeps_the_skip_report_of_the_kinds_kept(cms_dir: Path) -> None:
    files = real_sets(cms_dir)
    library = CatalogLibrary(user_data_dir() / "catalogs", lock_timeout=0.5)
    plan = plan_update([files["crosswalk"]["2025Q3"]], library=library)
    prepared = build_update(plan)
    lines = prepared.summary.skip_lines()
    assert lines[0].startswith("january-2026-alpha-numeric-hcpcs-file.zip: 9006 rows read")
    assert (
        lines[2] == "asp_ndc_hcpcs_crosswalk_2025q3.csv: 7873 rows read, 7873 imported, 0 skipped"
    )
    commit_update(prepared, accept_older=True)
    with library.open_active() as catalog:
        assert {p.ndc for p in catalog.ndcs_for_code("Q4111") if p.extra} >= {"GG100"}
