"""The bill at a glance: one headline per drug, totals per code, problems that block the claim.

Pure text for the window's glance panel (and anything else that shows a visit in brief): the
headline of a drug is its claim lines as a biller copies them ("J9312 × 45 · J9312-JW × 5 ·
NDC 50242-0053-06 ML45"); units are only ever added up within one code; a problem is either
claim-blocking (MUE exceeded, NOC note incomplete, code not valid on the date, container unknown
for a separately payable drug) or a notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from jcalc.core.calculate import Calculation
from jcalc.core.checks import mue_warnings
from jcalc.core.claim import ClaimLine, LineRole
from jcalc.core.containers import ContainerType
from jcalc.core.ndc import format_ndc

MUE_PREFIXES = ("MUE exceeded", "MUE for ")
CONTAINER_UNKNOWN_PREFIXES = ("container type unknown", "single-dose container, but its content")
NOC_MARK = "not-otherwise-classified"


@dataclass(frozen=True)
class Problem:
    """One thing to check; ``blocking``: the claim is not ready until it is fixed."""

    text: str
    blocking: bool


@dataclass(frozen=True)
class DrugGlance:
    """A drug of the visit in brief: its headline and its problems (blocking first)."""

    code: str
    headline: str
    problems: tuple[Problem, ...]

    @property
    def blocking(self) -> bool:
        """True when a problem blocks the claim."""
        return any(problem.blocking for problem in self.problems)


@dataclass(frozen=True)
class CodeTotal:
    """The units of one code over the visit; ``jw``: a JW line is among them."""

    code: str
    units: int
    jw: bool


def line_code(line: ClaimLine) -> str:
    """ "J9312", "J9312-JW": the code with its modifiers."""
    return "-".join((line.hcpcs, *line.modifiers))


def headline(lines: Sequence[ClaimLine]) -> str:
    """ "J9312 × 45 · J9312-JW × 5 · NDC 50242-0053-06 ML45" ("" for no lines).

    Each line's code and units in claim order, then each NDC with the quantity of its first line.
    """
    parts = [f"{line_code(line)} × {line.units}" for line in lines]
    seen: set[str] = set()
    for line in lines:
        if line.ndc is None or line.ndc in seen:
            continue
        seen.add(line.ndc)
        quantity = line.ndc_quantity_display
        parts.append(f"NDC {format_ndc(line.ndc)}" + (f" {quantity}" if quantity else ""))
    return " · ".join(parts)


def noc_missing(calc: Calculation) -> bool:
    """True when a NOC code's claim note still lacks the drug name or the NDC."""
    note = calc.noc_note
    return note is not None and ("DRUG NAME?" in note or note.endswith("NDC ?"))


def drug_problems(calc: Calculation, day: date) -> tuple[Problem, ...]:
    """The calculation's warnings sorted into claim-blocking problems and notices."""
    drug = calc.drug
    blocking: list[str] = []
    if not drug.valid_on(day):
        blocking.append(f"{drug.hcpcs} is not valid on {day.isoformat()} ({drug.status_on(day)})")
    blocking += mue_warnings(drug.hcpcs, drug.mue, calc.lines)
    request = calc.request
    if (
        request.container_type is ContainerType.UNKNOWN
        and not request.containers
        and drug.payment_limit is not None
    ):
        blocking.append("container unknown: choose Single-dose or Multi-dose so JW/JZ can be set")
    elif (
        request.container_type is ContainerType.SINGLE_DOSE
        and calc.wastage is None
        and request.dose is not None
        and drug.payment_limit is not None
    ):
        blocking.append(
            "single-dose container of unknown content: pick the NDC or type the opened "
            "containers so JW/JZ can be set"
        )
    if noc_missing(calc):
        blocking.append(f"NOC note incomplete: {calc.noc_note}")
    notices = [
        text
        for text in calc.warnings
        if not text.startswith(MUE_PREFIXES)
        and not text.startswith(CONTAINER_UNKNOWN_PREFIXES)
        and not (NOC_MARK in text and noc_missing(calc))
    ]
    return tuple(Problem(text, True) for text in blocking) + tuple(
        Problem(text, False) for text in notices
    )


def drug_glance(calc: Calculation, day: date) -> DrugGlance:
    """The headline and problems of one drug on the visit's date."""
    return DrugGlance(calc.drug.hcpcs, headline(calc.lines), drug_problems(calc, day))


def code_totals(lines: Iterable[ClaimLine]) -> list[CodeTotal]:
    """Units per code in first-seen order; units of different codes are never added."""
    units: dict[str, int] = {}
    jw: dict[str, bool] = {}
    for line in lines:
        units[line.hcpcs] = units.get(line.hcpcs, 0) + line.units
        jw[line.hcpcs] = jw.get(line.hcpcs, False) or line.role is LineRole.DISCARDED
    return [CodeTotal(code, total, jw[code]) for code, total in units.items()]


def totals_text(lines: Iterable[ClaimLine]) -> str:
    """ "J9312: 90 units (JW units included) · J2405: 4 units" ("" for no lines)."""
    parts = []
    for total in code_totals(lines):
        word = "unit" if total.units == 1 else "units"
        parts.append(
            f"{total.code}: {total.units} {word}" + (" (JW units included)" if total.jw else "")
        )
    return " · ".join(parts)


def visit_problems(warnings: Iterable[str]) -> tuple[Problem, ...]:
    """Checks over the whole visit: MUE over several entries blocks, the rest are notices."""
    return tuple(Problem(text, text.startswith(MUE_PREFIXES)) for text in warnings)


def problems_once(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, those that block the claim first (as the glance lists them)."""
    return sorted(dict.fromkeys(problems), key=lambda problem: not problem.blocking)
