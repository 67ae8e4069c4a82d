"""The printed claim-line summary of one visit, as plain data and as HTML.

:class:`ClaimSummary` gathers what a page shows (clinic, date of service, each drug's lines with
their arithmetic, administration code numbers, visit-level checks, the catalog's quarter);
:func:`render_summary_html` is the one render path behind the window's preview pane, the print
preview, the printer and the PDF. Pure Python: no Qt here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from jcalc.core.calculate import Calculation
from jcalc.core.checks import mue_warnings
from jcalc.core.claim import ClaimLine, LineRole, format_money
from jcalc.core.descriptor import descriptor_label
from jcalc.core.drug import MueLimit
from jcalc.core.errors import InputError
from jcalc.core.glance import totals_text
from jcalc.core.ndc import NdcQualifier, format_ndc, format_ndc_quantity

# Our own short labels for common administration code numbers (CPT descriptors are not used).
ADMINISTRATION_LABELS: dict[str, str] = {
    "96360": "Hydration by IV, first hour",
    "96361": "Hydration by IV, each extra hour",
    "96365": "IV infusion, first hour",
    "96366": "IV infusion, each extra hour",
    "96367": "IV infusion, sequential drug",
    "96368": "IV infusion, concurrent drug",
    "96372": "Injection under the skin or into a muscle",
    "96373": "Injection into an artery",
    "96374": "IV push, first drug",
    "96375": "IV push, each further drug",
    "96401": "Chemotherapy injection under skin or into muscle",
    "96402": "Hormonal chemotherapy injection",
    "96409": "Chemotherapy IV push, first drug",
    "96411": "Chemotherapy IV push, each further drug",
    "96413": "Chemotherapy infusion, first hour",
    "96415": "Chemotherapy infusion, each extra hour",
    "96417": "Chemotherapy infusion, sequential drug",
}
OTHER_ADMINISTRATION_LABEL = "Administration code (check the code number)"
MAX_ADMINISTRATION_UNITS = 24

_ADMIN_TOKEN_RE = re.compile(r"^(?P<code>\d+)(?:\s*[x×*]\s*(?P<units>\d+))?$", re.IGNORECASE)

_QUALIFIER_WORDS: dict[NdcQualifier, tuple[str, str]] = {
    NdcQualifier.ML: ("mL", "mL"),
    NdcQualifier.UN: ("item", "items"),
    NdcQualifier.GR: ("g", "g"),
    NdcQualifier.ME: ("mg", "mg"),
    NdcQualifier.F2: ("international unit", "international units"),
}


@dataclass(frozen=True)
class AdministrationCode:
    """A CPT administration code number billed for the visit, with its units."""

    code: str
    units: int = 1

    @property
    def label(self) -> str:
        """Our own short label for the code number."""
        return ADMINISTRATION_LABELS.get(self.code, OTHER_ADMINISTRATION_LABEL)

    @property
    def line(self) -> ClaimLine:
        """The claim line of the code (no modifiers, no NDC)."""
        return ClaimLine(hcpcs=self.code, units=self.units, role=LineRole.ADMINISTRATION)


def parse_administration_codes(text: str) -> tuple[AdministrationCode, ...]:
    """Code numbers typed as ``96413, 96415 x2`` (commas or spaces between them).

    Each must be five digits; ``x N`` gives units (default 1). A repeated number adds its units.
    Raises :class:`InputError` naming the first bad entry.
    """
    cleaned = re.sub(r"\s*([x×*])\s*", r"\1", text.strip(), flags=re.IGNORECASE)
    tokens = [t for t in re.split(r"[,;\s]+", cleaned) if t]
    units_by_code: dict[str, int] = {}
    for token in tokens:
        match = _ADMIN_TOKEN_RE.match(token)
        if match is None:
            raise InputError(
                f"'{token}' is not an administration code number; type five digits such as 96413"
            )
        code = match.group("code")
        if len(code) != 5:
            raise InputError(f"'{code}' is not an administration code: it needs five digits")
        units = int(match.group("units") or 1)
        if units < 1 or units > MAX_ADMINISTRATION_UNITS:
            raise InputError(
                f"{code} × {units}: the units must be between 1 and {MAX_ADMINISTRATION_UNITS}"
            )
        units_by_code[code] = units_by_code.get(code, 0) + units
    return tuple(AdministrationCode(code, units) for code, units in units_by_code.items())


@dataclass(frozen=True)
class SummaryEntry:
    """One drug of the visit: its lines, warnings and arithmetic, ready to print."""

    code: str
    name: str
    descriptor: str
    dose: str
    date_of_service: date
    container: str
    lines: tuple[ClaimLine, ...]
    warnings: tuple[str, ...] = ()
    explanation: tuple[str, ...] = ()
    noc_note: str | None = None
    mue: MueLimit | None = None
    ndc: str | None = None  # 11 digits
    price_quarter: str = ""  # the ASP quarter that priced the lines ("2025Q3")

    @classmethod
    def from_calculation(cls, calc: Calculation) -> SummaryEntry:
        """The entry of a finished calculation."""
        request = calc.request
        if request.dose is not None:
            dose = str(request.dose)
        else:
            dose = f"{_units(calc.administered_units)} entered by hand"
        container = request.container_type.value
        if request.containers:
            container += " (" + " + ".join(str(c) for c in request.containers) + ")"
        return cls(
            code=calc.drug.hcpcs,
            name=calc.drug.name,
            descriptor=descriptor_label(calc.drug.descriptor),
            dose=dose,
            date_of_service=request.date_of_service,
            container=container,
            lines=calc.lines,
            warnings=calc.warnings,
            explanation=calc.explanation,
            noc_note=calc.noc_note,
            mue=calc.drug.mue,
            ndc=request.product.ndc if request.product else None,
            price_quarter=calc.drug.price_quarter,
        )

    @property
    def total_units(self) -> int:
        """Units over the entry's lines, JW included."""
        return sum(line.units for line in self.lines)


@dataclass(frozen=True)
class ClaimSummary:
    """Everything the one-page summary of a visit shows."""

    date_of_service: date
    entries: tuple[SummaryEntry, ...] = ()
    administration: tuple[AdministrationCode, ...] = ()
    clinic_name: str = ""
    reference: str = ""
    catalog_quarter: str = ""
    catalog_effective_from: date | None = None
    catalog_effective_to: date | None = None
    generated_on: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    program: str = "jcalc"
    patient_name: str = ""  # only when the clinic turned its patient field on

    @property
    def lines(self) -> tuple[ClaimLine, ...]:
        """Every line of the visit: the drugs' lines, then the administration codes."""
        drug_lines = tuple(line for entry in self.entries for line in entry.lines)
        return drug_lines + tuple(code.line for code in self.administration)

    @property
    def asp_total(self) -> Decimal | None:
        """Sum of the ASP estimates of the drug lines, None when a line has none."""
        values = [line.asp_estimate for entry in self.entries for line in entry.lines]
        if not values or any(value is None for value in values):
            return None
        return sum((value for value in values if value is not None), Decimal(0))

    @property
    def charge_total(self) -> Decimal | None:
        """Sum of the clinic's charges, when every drug line has one."""
        values = [line.charge for entry in self.entries for line in entry.lines]
        if not values or any(value is None for value in values):
            return None
        return sum((value for value in values if value is not None), Decimal(0))

    @property
    def encounter_warnings(self) -> tuple[str, ...]:
        """Checks over the whole visit: MUE per code over every entry's lines, date mix-ups."""
        return tuple(encounter_warnings(self.entries, self.date_of_service))


def encounter_warnings(entries: Sequence[SummaryEntry], day: date) -> list[str]:
    """Warnings that only show over several entries of one visit.

    The MUE of a code is checked over the lines of every entry of that code (JW included) with
    :func:`jcalc.core.checks.mue_warnings`; a single entry's own MUE warning is already in its
    warnings. An entry worked out for another date than the visit's is named.
    """
    warnings: list[str] = []
    by_code: dict[str, list[SummaryEntry]] = {}
    for entry in entries:
        by_code.setdefault(entry.code, []).append(entry)
    for code, group in by_code.items():
        if len(group) < 2:
            continue
        lines = [line for entry in group for line in entry.lines]
        mue = next((entry.mue for entry in group if entry.mue is not None), None)
        for text in mue_warnings(code, mue, lines):
            warnings.append(f"{text} (over the {len(group)} entries of {code} in this visit)")
    for entry in entries:
        if entry.date_of_service != day:
            warnings.append(
                f"{entry.code} was worked out for {entry.date_of_service.isoformat()}, not for "
                f"the visit's date of service {day.isoformat()}: enter it again"
            )
    return warnings


def summary_from_calculations(
    calculations: Iterable[Calculation],
    *,
    date_of_service: date,
    administration: Sequence[AdministrationCode] = (),
    clinic_name: str = "",
    reference: str = "",
    catalog_quarter: str = "",
    catalog_effective_from: date | None = None,
    catalog_effective_to: date | None = None,
    generated_on: datetime | None = None,
) -> ClaimSummary:
    """A summary of finished calculations (in order) for one date of service."""
    return ClaimSummary(
        date_of_service=date_of_service,
        entries=tuple(SummaryEntry.from_calculation(calc) for calc in calculations),
        administration=tuple(administration),
        clinic_name=clinic_name,
        reference=reference,
        catalog_quarter=catalog_quarter,
        catalog_effective_from=catalog_effective_from,
        catalog_effective_to=catalog_effective_to,
        generated_on=generated_on or datetime.now().replace(microsecond=0),
    )


# ----------------------------------------------------------------------------------------------
# HTML (the subset QTextDocument renders)

_STYLE = """
body { font-size: 9.5pt; color: #111111; }
h1 { font-size: 14pt; font-weight: bold; margin-top: 0px; margin-bottom: 2px; }
h2 { font-size: 11pt; font-weight: bold; margin-top: 10px; margin-bottom: 2px; }
p { margin-top: 2px; margin-bottom: 2px; }
.meta { color: #333333; }
.muted { color: #555555; font-size: 8.5pt; }
.warn { color: #8a1c00; }
.shaded { font-family: "Courier New", "DejaVu Sans Mono", monospace; white-space: pre; }
th { background-color: #e6e6e6; text-align: left; font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.qty, td.code { white-space: nowrap; }
.jw { background-color: #fff4d6; }
.total { font-weight: bold; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _units(count: int) -> str:
    return f"{count:,} unit" if count == 1 else f"{count:,} units"


def _date(value: date | None) -> str:
    return value.isoformat() if value else "?"


def ndc_quantity_text(line: ClaimLine) -> str:
    """The NDC quantity in words with its claim form: "45 mL (ML45)"; "" when unknown."""
    if line.ndc_qualifier is None or line.ndc_quantity is None:
        return ""
    singular, plural = _QUALIFIER_WORDS[line.ndc_qualifier]
    word = singular if line.ndc_quantity == 1 else plural
    return (
        f"{format_ndc_quantity(line.ndc_quantity)} {word} "
        f"({line.ndc_qualifier.value}{format_ndc_quantity(line.ndc_quantity)})"
    )


def _line_code(line: ClaimLine) -> str:
    mods = f"-{'-'.join(line.modifiers)}" if line.modifiers else ""
    return f"{line.hcpcs}{mods}"


def _role_text(line: ClaimLine) -> str:
    return {
        LineRole.ADMINISTERED: "given",
        LineRole.DISCARDED: "discarded (JW)",
        LineRole.ADMINISTRATION: "administration",
    }[line.role]


def _lines_table(lines: Sequence[ClaimLine]) -> list[str]:
    with_charge = any(line.charge is not None for line in lines)
    head = ["Line", "Units", "NDC quantity", "ASP estimate"] + (["Charge"] if with_charge else [])
    columns = len(head)
    out = [
        '<table width="100%" cellspacing="0" cellpadding="3" border="1" '
        'style="border-collapse: collapse; border-color: #9a9a9a;">',
        "<tr>"
        + "".join(
            f"<th{' class=num' if name in ('Units', 'ASP estimate', 'Charge') else ''}>{name}</th>"
            for name in head
        )
        + "</tr>",
    ]
    for line in lines:
        row_class = ' class="jw"' if line.role is LineRole.DISCARDED else ""
        asp = format_money(line.asp_estimate) if line.asp_estimate is not None else "no ASP price"
        cells = [
            f"<b>{_e(_line_code(line))}</b> <span class=muted>{_e(_role_text(line))}</span>",
            f'<td class="num">{_e(_units(line.units))}</td>',
            f'<td class="qty">'
            f"{_e(ndc_quantity_text(line) or ('quantity unknown' if line.ndc else '—'))}</td>",
            f'<td class="num">{_e(asp)}</td>',
        ]
        if with_charge:
            charge = format_money(line.charge) if line.charge is not None else ""
            cells.append(f'<td class="num">{_e(charge)}</td>')
        out.append(f'<tr{row_class}><td class="code">{cells[0]}</td>{"".join(cells[1:])}</tr>')
        if line.ndc:
            shaded = line.shaded_line
            detail = f"NDC {_e(format_ndc(line.ndc))}"
            if shaded:
                detail += f' · item 24 shaded: <span class="shaded">{_e(shaded)}</span>'
            out.append(f'<tr{row_class}><td colspan="{columns}" class="muted">{detail}</td></tr>')
    out.append("</table>")
    return out


def _entry_html(entry: SummaryEntry) -> list[str]:
    out = [
        f"<h2>{_e(entry.code)} {_e(entry.name)} — {_e(entry.dose)}</h2>",
        f'<p class="meta">Billing unit {_e(entry.descriptor)} · '
        f"container: {_e(entry.container)}"
        + (f" · NDC {_e(format_ndc(entry.ndc))}" if entry.ndc else "")
        + (f" · ASP {_e(entry.price_quarter)}" if entry.price_quarter else "")
        + f" · {_e(_units(entry.total_units))} in all</p>",
    ]
    out += _lines_table(entry.lines)
    if entry.noc_note:
        out.append(f"<p><b>Claim note (item 19 / 2400 NTE):</b> {_e(entry.noc_note)}</p>")
    if entry.warnings:
        out.append('<p class="warn"><b>Check:</b></p><ul class="warn">')
        out += [f"<li>{_e(text)}</li>" for text in entry.warnings]
        out.append("</ul>")
    if entry.explanation:
        out.append('<p class="muted"><b>How it was worked out:</b></p><ol class="muted">')
        out += [f"<li>{_e(text)}</li>" for text in entry.explanation]
        out.append("</ol>")
    return out


def _administration_html(codes: Sequence[AdministrationCode]) -> list[str]:
    out = [
        "<h2>Administration (CPT code numbers)</h2>",
        '<table width="100%" cellspacing="0" cellpadding="3" border="1" '
        'style="border-collapse: collapse; border-color: #9a9a9a;">',
        '<tr><th>Code</th><th>What (our label)</th><th class="num">Units</th></tr>',
    ]
    for code in codes:
        out.append(
            f'<tr><td class="code"><b>{_e(code.code)}</b></td><td>{_e(code.label)}</td>'
            f'<td class="num">{_e(_units(code.units))}</td></tr>'
        )
    out.append("</table>")
    return out


def render_summary_html(summary: ClaimSummary) -> str:
    """The summary as escaped HTML for QTextDocument: the one render path for screen and paper."""
    title = summary.clinic_name.strip() or "Drug claim-line summary"
    out = [
        "<html><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
    ]
    subtitle = ["Drug claim lines" if summary.clinic_name.strip() else "jcalc"]
    subtitle.append(f"date of service <b>{_e(_date(summary.date_of_service))}</b>")
    if summary.patient_name.strip():
        subtitle.append(f"patient <b>{_e(summary.patient_name.strip())}</b>")
    if summary.reference.strip():
        subtitle.append(f"reference <b>{_e(summary.reference.strip())}</b>")
    out.append(f'<p class="meta">{" · ".join(subtitle)}</p>')

    visit = summary.encounter_warnings
    if visit:  # first, so that neither the screen nor the page can hide them
        out.append('<h2 class="warn">Checks over the whole visit</h2><ul class="warn">')
        out += [f"<li>{_e(text)}</li>" for text in visit]
        out.append("</ul>")
    if not summary.entries and not summary.administration:
        out.append(
            "<p><i>No drug entered yet: search for a code or drug and type the dose.</i></p>"
        )
    for entry in summary.entries:
        out += _entry_html(entry)
    if summary.administration:
        out += _administration_html(summary.administration)

    totals: list[str] = []
    if summary.entries:
        # Units per code only: units of different codes never add up (jcalc.core.glance).
        totals.append(totals_text(line for entry in summary.entries for line in entry.lines))
        asp = summary.asp_total
        if asp is not None:
            totals.append(f"ASP estimate {format_money(asp)}")
        charge = summary.charge_total
        if charge is not None:
            totals.append(f"clinic charge {format_money(charge)}")
    if totals:
        out.append(f'<p class="total">Total: {_e(" · ".join(totals))}</p>')

    catalog = "catalog quarter unknown"
    if summary.catalog_quarter:
        catalog = (
            f"ASP catalog {summary.catalog_quarter}, effective "
            f"{_date(summary.catalog_effective_from)} to {_date(summary.catalog_effective_to)}"
        )
    out.append(
        f'<hr><p class="muted">{_e(catalog)} · generated on '
        f"{_e(summary.generated_on.strftime('%Y-%m-%d %H:%M'))} by {_e(summary.program)}. "
        "ASP estimate = payment limit per unit × units; it is not the clinic's charge. "
        "Administration codes are shown as code numbers with our own labels.</p>"
    )
    out.append("</body></html>")
    return "\n".join(out)
