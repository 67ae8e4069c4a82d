"""The printed summary as pure data and HTML (no Qt)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from jcalc.core.calculate import DoseRequest, calculate
from jcalc.core.containers import ContainerType
from jcalc.core.drug import MueLimit
from jcalc.core.errors import InputError
from jcalc.core.quantity import parse_quantity
from jcalc.core.summary import (
    ADMINISTRATION_LABELS,
    AdministrationCode,
    ClaimSummary,
    SummaryEntry,
    encounter_warnings,
    parse_administration_codes,
    render_summary_html,
    summary_from_calculations,
)
from tests.core.factories import DEXAMETHASONE, DOS, RITUXAN_500, RITUXIMAB, drug

GENERATED = datetime(2026, 2, 2, 14, 30)


def jw_calc(dose: str = "450 mg", day: date = DOS):
    return calculate(
        RITUXIMAB,
        DoseRequest(
            dose=parse_quantity(dose),
            date_of_service=day,
            container_type=ContainerType.SINGLE_DOSE,
            product=RITUXAN_500,
            charge_per_unit=Decimal("80"),
        ),
    )


def summary(*calcs, **kwargs) -> ClaimSummary:
    defaults = {
        "date_of_service": DOS,
        "clinic_name": "Riverside <Infusion> & Co",
        "reference": "ACCT-0042",
        "catalog_quarter": "2026Q1",
        "catalog_effective_from": date(2026, 1, 1),
        "catalog_effective_to": date(2026, 3, 31),
        "generated_on": GENERATED,
    }
    defaults.update(kwargs)
    return summary_from_calculations(calcs or (jw_calc(),), **defaults)  # type: ignore[arg-type]


def plain(markup: str) -> str:
    text = re.sub(r"<style>.*?</style>", " ", markup, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").split())


def test_entry_from_calculation() -> None:
    entry = SummaryEntry.from_calculation(jw_calc())
    assert (entry.code, entry.name, entry.descriptor, entry.dose) == (
        "J9312",
        "Injection, rituximab, 10 mg",
        "10 mg",
        "450 mg",
    )
    assert entry.container == "single-dose"
    assert entry.total_units == 50 and entry.ndc == "50242005306"
    assert entry.mue == MueLimit(250, 3)


def test_html_has_every_part_of_the_page() -> None:
    text = plain(render_summary_html(summary()))
    for expected in (
        "Riverside <Infusion> & Co",
        "date of service 2026-02-02",
        "reference ACCT-0042",
        "J9312 Injection, rituximab, 10 mg — 450 mg",
        "45 units",
        "45 mL (ML45)",
        "5 units",
        "5 mL (ML5)",
        "J9312-JW discarded (JW)",
        "$4,280.54",  # 45 × $95.123
        "$3,600.00",  # clinic charge 45 × $80
        "Discarded 500 mg − 450 mg = 50 mg",
        "ASP catalog 2026Q1, effective 2026-01-01 to 2026-03-31",
        "generated on 2026-02-02 14:30",
        "Total: J9312: 50 units (JW units included) · ASP estimate",
    ):
        assert expected in text, expected


def test_shaded_line_keeps_its_three_spaces() -> None:
    markup = render_summary_html(summary())
    assert '<span class="shaded">N450242005306   ML45</span>' in markup
    assert "white-space: pre" in markup


def test_html_escapes_user_text() -> None:
    markup = render_summary_html(summary(reference='<script>alert("x")</script>'))
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "Riverside &lt;Infusion&gt; &amp; Co" in markup


def test_numbers_carry_their_units() -> None:
    markup = render_summary_html(summary(administration=(AdministrationCode("96413"),)))
    cells = re.findall(r'<td class="num">(.*?)</td>', markup)
    assert cells, markup
    for cell in cells:  # units, ASP estimates and charges: never a bare number
        assert re.fullmatch(r"[\d,]+ units?|\$[\d,]+\.\d\d", cell), cell
    quantities = re.findall(r"<td class=\"qty\">(\d[^<]*)</td>", markup)
    assert quantities == ["45 mL (ML45)", "5 mL (ML5)"]


def test_empty_summary_says_what_to_do() -> None:
    text = plain(render_summary_html(ClaimSummary(date_of_service=DOS, generated_on=GENERATED)))
    assert "No drug entered yet" in text
    assert "catalog quarter unknown" in text
    assert "Drug claim-line summary" in text


def test_administration_codes_are_numbers_with_our_labels() -> None:
    codes = parse_administration_codes("96413, 96415 x2 96367")
    assert codes == (
        AdministrationCode("96413"),
        AdministrationCode("96415", 2),
        AdministrationCode("96367"),
    )
    text = plain(render_summary_html(summary(administration=codes)))
    assert "Administration (CPT code numbers)" in text
    assert "96413 Chemotherapy infusion, first hour 1 unit" in text
    assert "96415 Chemotherapy infusion, each extra hour 2 units" in text
    assert AdministrationCode("12345").label.startswith("Administration code")
    line = AdministrationCode("96372").line
    assert (line.hcpcs, line.units, line.modifiers) == ("96372", 1, ())
    assert set(ADMINISTRATION_LABELS) >= {"96372", "96374", "96365", "96366", "96367", "96413"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9641", "needs five digits"),
        ("964130", "needs five digits"),
        ("J9312", "is not an administration code number"),
        ("96413 x0", "between 1 and 24"),
        ("96413 x99", "between 1 and 24"),
    ],
)
def test_bad_administration_codes(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_administration_codes(text)


def test_repeated_code_adds_units_and_blank_is_empty() -> None:
    assert parse_administration_codes("96366, 96366") == (AdministrationCode("96366", 2),)
    assert parse_administration_codes("   ") == ()


def test_mue_is_checked_over_every_entry_of_a_code() -> None:
    first, second = jw_calc("1600 mg"), jw_calc("1000 mg")
    # 160 + 40 JW units, then 100 units: 300 units on the day, over the MUE of 250 (MAI 3)
    result = summary(first, second)
    warnings = result.encounter_warnings
    assert len(warnings) == 1
    assert warnings[0].startswith("MUE exceeded: ")
    assert "of J9312 on this day (JW lines included)" in warnings[0]
    assert "over the 2 entries of J9312 in this visit" in warnings[0]
    assert "Checks over the whole visit" in plain(render_summary_html(result))
    assert summary(first).encounter_warnings == ()


def test_mue_per_line_codes_and_other_codes_are_left_alone() -> None:
    per_line = drug("J1234", "Injection, something, 1 mg", mue=MueLimit(10, 1))
    calcs = [
        calculate(per_line, DoseRequest(dose=parse_quantity("8 mg"), date_of_service=DOS)),
        calculate(per_line, DoseRequest(dose=parse_quantity("8 mg"), date_of_service=DOS)),
        calculate(DEXAMETHASONE, DoseRequest(dose=parse_quantity("8 mg"), date_of_service=DOS)),
    ]
    entries = [SummaryEntry.from_calculation(c) for c in calcs]
    assert encounter_warnings(entries, DOS) == []  # MAI 1: each line under 10 units


def test_an_entry_of_another_date_is_named() -> None:
    other = jw_calc(day=date(2026, 2, 3))
    warnings = summary(jw_calc(), other).encounter_warnings
    assert any("worked out for 2026-02-03, not for the visit's date" in w for w in warnings)


def test_totals_need_every_price() -> None:
    no_price = calculate(
        DEXAMETHASONE, DoseRequest(dose=parse_quantity("8 mg"), date_of_service=DOS)
    )
    assert summary(no_price).asp_total is None
    assert summary().asp_total == Decimal("4756.16")  # $4,280.54 + $475.62
    assert summary().charge_total == Decimal("4000.00")
    assert len(summary().lines) == 2


def test_an_entry_names_the_asp_quarter_that_priced_it() -> None:
    """Issue 8 item 7: the printout names the quarter whose payment limits priced the lines."""
    priced = calculate(
        replace(RITUXIMAB, payment_limit=Decimal("75.931"), price_quarter="2025Q3"),
        DoseRequest(dose=parse_quantity("450 mg"), date_of_service=date(2025, 8, 15)),
    )
    entry = SummaryEntry.from_calculation(priced)
    assert entry.price_quarter == "2025Q3"
    page = plain(
        render_summary_html(
            summary(
                priced,
                date_of_service=date(2025, 8, 15),
                catalog_quarter="2025Q3",
                catalog_effective_from=date(2025, 7, 1),
                catalog_effective_to=date(2025, 9, 30),
            )
        )
    )
    assert "· ASP 2025Q3 ·" in page
    assert "ASP catalog 2025Q3, effective 2025-07-01 to 2025-09-30" in page
    assert "$3,416.90" in page  # 45 units × $75.931
