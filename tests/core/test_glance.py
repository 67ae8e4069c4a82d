"""The bill at a glance: headlines, totals per code, claim-blocking problems (no Qt)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from jcalc.core.calculate import DoseRequest, calculate
from jcalc.core.claim import ClaimLine, LineRole
from jcalc.core.containers import ContainerType
from jcalc.core.drug import MueLimit
from jcalc.core.glance import (
    Problem,
    code_totals,
    drug_glance,
    headline,
    problems_once,
    totals_text,
    visit_problems,
)
from jcalc.core.quantity import parse_quantity
from tests.core.factories import DEXAMETHASONE, DOS, RITUXAN_500, RITUXIMAB, UNCLASSIFIED, drug


def calc(code=RITUXIMAB, dose="450 mg", *, container=ContainerType.SINGLE_DOSE, product=None):
    return calculate(
        code,
        DoseRequest(
            dose=parse_quantity(dose),
            date_of_service=DOS,
            container_type=container,
            product=product,
        ),
    )


def test_headline_is_each_line_then_the_ndc_with_its_quantity() -> None:
    """CMS JW/JZ FAQ (DOMAIN.md §3): 450 mg of J9312 from one 500 mg vial bills 45 units and
    5 units JW on its own line; NUCC 1500 item 24 shaded area: N4 + NDC + qualifier + quantity,
    450 mg at 10 mg/mL is ML45 (DOMAIN.md §4)."""
    result = calc(product=RITUXAN_500)
    assert headline(result.lines) == "J9312 × 45 · J9312-JW × 5 · NDC 50242-0053-06 ML45"


def test_headline_without_ndc_and_with_jz() -> None:
    """70 mg from a 100 mg vial under a 100 mg code: 1 unit with JZ (CMS JW/JZ FAQ)."""
    code = drug("J9999", "Injection, testumab, 100 mg", payment_limit="10")
    result = calc(code, "70 mg", container=ContainerType.SINGLE_DOSE)
    assert headline(result.lines) == "J9999 × 1"  # content unknown: no JW/JZ could be set
    assert headline([]) == ""
    line = ClaimLine(hcpcs="J9999", units=1, role=LineRole.ADMINISTERED, modifiers=("JZ",))
    assert headline([line]) == "J9999-JZ × 1"


def test_totals_are_per_code_and_never_add_different_codes() -> None:
    """MUE units are counted per code per day, JW lines included (Pub. 100-04 ch.17 via
    DOMAIN.md §5): a visit total across codes means nothing on a claim."""
    jw = calc(product=RITUXAN_500)
    dex = calc(DEXAMETHASONE, "30 mg", container=ContainerType.MULTI_DOSE)
    lines = [*jw.lines, *dex.lines, *jw.lines]
    totals = code_totals(lines)
    assert [(t.code, t.units, t.jw) for t in totals] == [("J9312", 100, True), ("J1100", 30, False)]
    assert totals_text(lines) == "J9312: 100 units (JW units included) · J1100: 30 units"
    assert "JW" not in totals_text(dex.lines)
    assert totals_text([]) == ""


def test_mue_exceeded_blocks_the_claim_and_the_quarter_notice_does_not() -> None:
    """MUE: the most units of a code per day; MAI 3 sums the day's lines (CMS practitioner MUE
    table, DOMAIN.md §5)."""
    limited = drug("J9312", "Injection, rituximab, 10 mg", payment_limit="1", mue=MueLimit(40, 3))
    glance = drug_glance(calc(limited, product=RITUXAN_500), DOS)
    blocking = [p.text for p in glance.problems if p.blocking]
    assert len(blocking) == 1 and blocking[0].startswith("MUE exceeded: 50 units of J9312")
    assert glance.blocking
    notices = visit_problems(["date of service after the catalog's quarter"])
    assert [p.blocking for p in notices] == [False]
    assert [p.blocking for p in visit_problems(["MUE exceeded: 300 units of J9312"])] == [True]


def test_unknown_container_of_a_payable_drug_blocks_the_claim() -> None:
    """Every separately payable drug from a single-dose container carries JW or JZ (MLN MM13056,
    DOMAIN.md §3): with the container unknown, neither can be set."""
    glance = drug_glance(calc(container=ContainerType.UNKNOWN), DOS)
    assert [p.text for p in glance.problems if p.blocking] == [
        "container unknown: choose Single-dose or Multi-dose so JW/JZ can be set"
    ]
    assert not any(p.text.startswith("container type unknown") for p in glance.problems)
    multi = drug_glance(calc(container=ContainerType.MULTI_DOSE), DOS)
    assert not multi.blocking


def test_incomplete_noc_note_and_invalid_code_block_the_claim() -> None:
    """NOC codes need the drug name, dose and NDC in item 19 / 2400 NTE; a code is billable from
    its ADD DT through its TERM DT (DOMAIN.md §5)."""
    request = DoseRequest(
        dose=None,
        date_of_service=DOS,
        container_type=ContainerType.MULTI_DOSE,
        units_override=1,
    )
    noc = drug_glance(calculate(UNCLASSIFIED, request), DOS)
    assert any(p.blocking and p.text.startswith("NOC note incomplete") for p in noc.problems)
    assert not any("not-otherwise-classified" in p.text for p in noc.problems)
    ending = replace(RITUXIMAB, terminated=date(2026, 2, 28))
    result = calc(ending, container=ContainerType.MULTI_DOSE)
    assert not drug_glance(result, DOS).blocking
    problems = drug_glance(result, date(2026, 3, 1)).problems  # the visit's date moved on
    assert problems[0].blocking and "J9312 is not valid on 2026-03-01" in problems[0].text


def test_the_printed_total_is_per_code() -> None:
    """Issue 10: "Total: 90 units of drug over 2 entries" added units of different codes, and
    "(JW units included)" showed with no JW line."""
    from jcalc.core.summary import render_summary_html, summary_from_calculations

    dex = calc(DEXAMETHASONE, "30 mg", container=ContainerType.MULTI_DOSE)
    text = render_summary_html(
        summary_from_calculations([calc(product=RITUXAN_500), dex], date_of_service=DOS)
    )
    assert "Total: J9312: 50 units (JW units included) · J1100: 30 units" in text
    only_dex = render_summary_html(summary_from_calculations([dex], date_of_service=DOS))
    assert "JW units included" not in only_dex and "80 units" not in text


def test_single_dose_of_unknown_content_blocks_the_claim() -> None:
    """JW needs the content of the opened containers (CMS JW/JZ FAQ, DOMAIN.md §3)."""
    glance = drug_glance(calc(container=ContainerType.SINGLE_DOSE), DOS)
    assert [p.text for p in glance.problems if p.blocking] == [
        "single-dose container of unknown content: pick the NDC or type the opened containers "
        "so JW/JZ can be set"
    ]
    assert not any("its content is not known" in p.text for p in glance.problems)


def test_problems_are_listed_once_blocking_first() -> None:
    """Two drugs with the same notice show it once; what blocks the claim comes first."""
    notice = Problem("the date of service is after the catalog's ASP quarter", False)
    mue = Problem("MUE exceeded: J9312 160 units over 150 per day", True)
    assert problems_once([notice, mue, notice, mue]) == [mue, notice]
