"""Checks before printing: code dates, MUE limits and NOC notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from jcalc.core.claim import ClaimLine
from jcalc.core.drug import DrugCode, MueLimit
from jcalc.core.errors import CodeNotValidError


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "?"


def check_code_date(drug: DrugCode, day: date) -> None:
    """Raise CodeNotValidError when ``drug`` cannot be billed on ``day``, naming its dates.

    A code is billable from its ADD DT through its TERM DT, the last valid day; ACT EFF DT is
    only the date of its latest action. The message names the cross-referenced codes (XREF1…).
    """
    if drug.valid_on(day):
        return
    replacement = f"; the HCPCS file refers to {', '.join(drug.xrefs)}" if drug.xrefs else ""
    span = (
        f"billable from {_iso(drug.added)} through {_iso(drug.terminated)}"
        if drug.terminated
        else f"billable from {_iso(drug.added)}"
    )
    if drug.terminated and day > drug.terminated:
        raise CodeNotValidError(
            f"{drug.hcpcs} is not valid on {day.isoformat()}: it was terminated on "
            f"{drug.terminated.isoformat()}, its last valid day ({span}){replacement}"
        )
    raise CodeNotValidError(
        f"{drug.hcpcs} is not valid on {day.isoformat()}: it was added on {_iso(drug.added)} "
        f"({span}){replacement}"
    )


def code_date_warnings(drug: DrugCode, day: date) -> list[str]:
    """A warning when the long description changed (ACTION CD B or C) after ``day``.

    The code is billable that day, but the descriptor in force then may differ from the one the
    catalog holds, and so may the units.
    """
    if not drug.description_changed_after(day) or drug.effective is None:
        return []
    return [
        f"{drug.hcpcs}'s long description changed on {drug.effective.isoformat()} (HCPCS action "
        f"{drug.action_code}: {drug.action}): the descriptor in force on {day.isoformat()} may "
        "differ from the one used here; check the units against that day's descriptor"
    ]


def mue_warnings(hcpcs: str, mue: MueLimit | None, lines: Iterable[ClaimLine]) -> list[str]:
    """Warnings when the units of ``hcpcs`` over ``lines`` (JW lines included) exceed its MUE.

    MAI 1 applies the limit to each line; MAI 2 and 3 to the sum of the day's lines.
    """
    if mue is None:
        return []
    own = [line for line in lines if line.hcpcs == hcpcs]
    if not own:
        return []
    if mue.value == 0:
        return [f"MUE for {hcpcs} is 0 units: practitioner claims for this code are denied"]
    if mue.mai == 1:
        over = [line.units for line in own if line.units > mue.value]
        if over:
            return [
                f"MUE exceeded: a line of {hcpcs} has {max(over)} units, more than the MUE of "
                f"{mue.describe()}"
            ]
        return []
    total = sum(line.units for line in own)
    if total > mue.value:
        kind = "absolute: units over it are denied" if mue.mai == 2 else "clinical: needs support"
        return [
            f"MUE exceeded: {total} units of {hcpcs} on this day (JW lines included), more than "
            f"the MUE of {mue.value} units per day ({kind})"
        ]
    return []


def noc_note(drug_name: str, dose_text: str, ndc_display: str | None) -> str:
    """The claim note (item 19 / loop 2400 NTE) a NOC code needs: drug, dose and NDC."""
    parts = [drug_name.strip() or "DRUG NAME?", dose_text]
    parts.append(f"NDC {ndc_display}" if ndc_display else "NDC ?")
    return " ".join(parts)


def units_by_code(lines: Sequence[ClaimLine]) -> dict[str, int]:
    """Total units per code over ``lines``."""
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.hcpcs] = totals.get(line.hcpcs, 0) + line.units
    return totals
