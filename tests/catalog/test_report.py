"""The catalog report: parse figures of the active J codes and every exception."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.report import CatalogReport, build_report
from jcalc.catalog.sources.records import AspRecord, HcpcsRecord
from jcalc.catalog.store import open_catalog
from tests.catalog.test_build import build_small, make_sources


@pytest.fixture
def report(tmp_path: Path) -> CatalogReport:
    hcpcs, asp, crosswalk, mue = make_sources()
    hcpcs = replace(
        hcpcs,
        records=[
            *hcpcs.records,
            # terminated and unreadable: not an active code, so not in the report
            HcpcsRecord(
                "J3530", "Nasal vaccine inhalation", "Nasal vaccine", date(1990, 1, 1),
                date(1990, 1, 1), date(2020, 12, 31), "D",
            ),
            # ends inside the ASP quarter: still active in it
            HcpcsRecord(
                "J7100", "Infusion, dextran 40, 500 ml", "Dextran 40", date(1990, 1, 1),
                date(1990, 1, 1), date(2026, 3, 31), "D",
            ),
        ],
    )  # fmt: skip
    asp = replace(
        asp,
        records=[*asp.records, AspRecord("J9999", "Chemotherapy drug", "PER VIAL", None, "")],
    )
    out = tmp_path / "catalog.sqlite"
    build_small(out, (hcpcs, asp, crosswalk, mue))
    with open_catalog(out) as catalog:
        return build_report(catalog)


def test_counts_and_rate(report: CatalogReport) -> None:
    # active J codes: J0138 J0287 J1100 J2320 J3490 J7100 J9312 J9999 (J9250, J3530 ended)
    assert report.active_j_codes == 8
    assert report.numeric == 6
    assert report.per_amount == 6
    assert (report.per_vial, report.per_dose) == (0, 0)
    assert report.parse_rate == Decimal("0.7500")
    assert not report.meets_target


def test_every_unparsed_active_j_code_is_listed(report: CatalogReport) -> None:
    assert [(item.hcpcs, item.long_description) for item in report.unparsed] == [
        ("J3490", "Unclassified drugs"),
        ("J9999", "Not otherwise classified, antineoplastic drugs"),
    ]
    assert all(item.reason for item in report.unparsed)


def test_disagreements_between_hcpcs_and_asp(report: CatalogReport) -> None:
    by_code = {item.hcpcs: item for item in report.disagreements}
    # Q5115 "10 mg" against ASP "5 MG"; J9999 unreadable against "PER VIAL"
    assert set(by_code) == {"Q5115", "J9999"}
    truxima = by_code["Q5115"]
    assert (truxima.hcpcs_reading, truxima.asp_reading) == ("10 mg", "5 mg")
    assert truxima.asp_dosage == "5 MG"
    assert truxima.long_description.startswith("Injection, rituximab-abbs")
    assert not truxima.one_side_unreadable
    assert by_code["J9999"].one_side_unreadable


def test_combination_products_are_listed(report: CatalogReport) -> None:
    assert [item.hcpcs for item in report.combination_notes] == ["J0138"]
    assert "first component" in report.combination_notes[0].note


def test_json_form(report: CatalogReport) -> None:
    data = json.loads(json.dumps(report.to_json()))
    assert data["active_j_codes"] == 8
    assert data["parse_rate"] == 0.75
    assert data["unparsed_count"] == 2
    assert data["unparsed"][0] == {
        "hcpcs": "J3490",
        "long_description": "Unclassified drugs",
        "reason": report.unparsed[0].reason,
    }
    assert {item["hcpcs"] for item in data["disagreements"]} == {"Q5115", "J9999"}


def test_rate_of_an_empty_report() -> None:
    assert CatalogReport(0, 0, 0, 0, 0).parse_rate == 0
