"""Claim lines as text to paste: tab-separated rows for a spreadsheet or a practice-management
grid, and the CMS-1500 item 24 shaded-line text alone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jcalc.core.claim import ClaimLine, money
from jcalc.core.ndc import format_ndc_quantity

COLUMNS = (
    "Code",
    "Modifiers",
    "Units",
    "NDC",
    "Qualifier",
    "Quantity",
    "Shaded line",
    "Charge",
)


def line_row(line: ClaimLine) -> tuple[str, ...]:
    """One line's cells in :data:`COLUMNS` order; empty cells where the line has no value.

    The NDC is the 11 digits billed (no hyphens), the charge a plain amount ("1234.50").
    """
    quantity = line.ndc_quantity
    return (
        line.hcpcs,
        " ".join(line.modifiers),
        str(line.units),
        line.ndc or "",
        line.ndc_qualifier.value if line.ndc_qualifier and line.ndc else "",
        format_ndc_quantity(quantity) if quantity is not None and line.ndc else "",
        line.shaded_line or "",
        f"{money(line.charge):.2f}" if line.charge is not None else "",
    )


def _cell(text: str) -> str:
    """A cell without the tabs and line breaks that would shift the grid."""
    return " ".join(text.replace("\t", " ").splitlines())


def claim_lines_tsv(lines: Sequence[ClaimLine], *, header: bool = True) -> str:
    """The lines as tab-separated rows (a header row first), one per line, ending in a newline."""
    rows: list[Iterable[str]] = [COLUMNS] if header else []
    rows += [line_row(line) for line in lines]
    return "".join("\t".join(_cell(cell) for cell in row) + "\n" for row in rows)


def shaded_text(lines: Sequence[ClaimLine]) -> str:
    """The shaded-line text of each line with an NDC, one per line ("" when there is none)."""
    shaded = [line.shaded_line for line in lines if line.shaded_line]
    return "".join(text + "\n" for text in shaded)
