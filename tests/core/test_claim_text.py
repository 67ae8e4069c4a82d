"""Claim lines as tab-separated text and the shaded-line text alone (no Qt)."""

from __future__ import annotations

from decimal import Decimal

from jcalc.core.calculate import DoseRequest, calculate
from jcalc.core.claim import ClaimLine, LineRole
from jcalc.core.claim_text import COLUMNS, claim_lines_tsv, line_row, shaded_text
from jcalc.core.containers import ContainerType
from jcalc.core.quantity import parse_quantity
from tests.core.factories import DOS, RITUXAN_500, RITUXIMAB


def jw_lines() -> tuple[ClaimLine, ...]:
    request = DoseRequest(
        dose=parse_quantity("450 mg"),
        date_of_service=DOS,
        container_type=ContainerType.SINGLE_DOSE,
        product=RITUXAN_500,
        charge_per_unit=Decimal("80"),
    )
    return calculate(RITUXIMAB, request).lines


def test_rows_paste_into_a_spreadsheet() -> None:
    """NUCC 1500 item 24 shaded area: N4, the 11-digit NDC, three spaces, the qualifier and the
    quantity, e.g. N450242005306   ML45; the JW line has its own NDC quantity and charge (CMS
    JW/JZ FAQ, as quoted in DOMAIN.md §3-4)."""
    text = claim_lines_tsv(jw_lines())
    rows = [row.split("\t") for row in text.splitlines()]
    assert text.endswith("\n")
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [
        "J9312", "", "45", "50242005306", "ML", "45", "N450242005306   ML45", "3600.00",
    ]  # fmt: skip
    assert rows[2] == [
        "J9312", "JW", "5", "50242005306", "ML", "5", "N450242005306   ML5", "400.00",
    ]  # fmt: skip
    assert all(len(row) == len(COLUMNS) for row in rows)
    assert claim_lines_tsv(jw_lines(), header=False).count("\n") == 2


def test_lines_without_ndc_leave_their_cells_empty() -> None:
    admin = ClaimLine(hcpcs="96413", units=1, role=LineRole.ADMINISTRATION)
    assert line_row(admin) == ("96413", "", "1", "", "", "", "", "")
    assert shaded_text([admin]) == ""


def test_shaded_text_alone() -> None:
    assert shaded_text(jw_lines()) == "N450242005306   ML45\nN450242005306   ML5\n"
