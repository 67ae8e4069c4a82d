"""``jcalc calc``: one drug's dose to claim lines, as text or JSON.

Like the window, it uses the clinic's data: the code's saved charge per unit and the NDC's saved
unit qualifier apply unless ``--qualifier`` is given (``--no-clinic-data`` ignores them).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from jcalc.calc_options import BillingChoice
from jcalc.catalog.library import open_chosen_catalog
from jcalc.commands.arguments import iso_date, positive_int
from jcalc.console import describe_failure, print_error
from jcalc.core.billing import Entity340B
from jcalc.core.containers import ContainerType
from jcalc.core.errors import JcalcError
from jcalc.core.presentation import calculation_to_dict, calculation_to_text
from jcalc.service import CalcInput, calculate_from_text
from jcalc.userdata.clinic import ClinicStore
from jcalc.userdata.database import UserDataError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``calc`` subcommand."""
    parser = subparsers.add_parser(
        "calc",
        help="turn a dose into billing units and claim lines",
        description="Turn an administered dose into HCPCS units and claim lines (JW/JZ, NDC).",
    )
    parser.add_argument("code", help="HCPCS code, any case, e.g. J9312")
    parser.add_argument(
        "dose",
        nargs="?",
        help="dose with its unit: '450 mg', '0.4mg', '7.5 mL', '16 sq cm', '2 vials', or an "
        "order per kg or m²: '5 mg/kg' (with --weight), '375 mg/m2' (with --bsa, or --height "
        "and --weight)",
    )
    parser.add_argument(
        "--package",
        action="append",
        default=[],
        metavar="CONTAINER",
        help="one opened single-dose container: its content ('500 mg', '3x100 mg') or its NDC "
        "('50242-0051-21', '2x50242-0053-06'; one claim line per NDC); repeat per container. "
        "'auto' (with --ndc) picks the labeler's containers with the least discarded drug",
    )
    body = parser.add_argument_group("weight and BSA orders")
    body.add_argument("--weight", help="patient's weight for a per-kg order: '70 kg', '154 lb'")
    body.add_argument("--height", help="patient's height for the Mosteller BSA: '170 cm', '67 in'")
    body.add_argument("--bsa", help="body surface area in m² for a per-m² order: '1.87'")
    rules = parser.add_argument_group("payer rules (default: the clinic's settings)")
    program = rules.add_mutually_exclusive_group()
    program.add_argument(
        "--340b",
        dest="program_340b",
        action="store_const",
        const=True,
        default=None,
        help="the drug was 340B-acquired: TB (before 2025 JG or TB by entity type) on every line",
    )
    program.add_argument(
        "--no-340b",
        dest="program_340b",
        action="store_const",
        const=False,
        help="the drug was not 340B-acquired (overrides the clinic's setting)",
    )
    rules.add_argument(
        "--340b-entity",
        dest="entity_340b",
        choices=[entity.value for entity in Entity340B],
        help="exempt (rural SCH, children's, PPS-exempt cancer hospital: TB before 2025) or "
        "non-exempt (JG before 2025)",
    )
    rules.add_argument(
        "--max-units-per-line",
        type=positive_int,
        metavar="N",
        help="units one claim line may carry (default 9,999); more repeat the line",
    )
    rules.add_argument(
        "--repeat-modifier",
        choices=["76", "77", "none"],
        help="modifier on the second and later repeated lines (default 76)",
    )
    parser.add_argument(
        "--given-to-others",
        metavar="AMOUNT",
        help="drug from the same opened containers given to other patients: the waste is "
        "what is left after all of them, billed on this claim only",
    )
    parser.add_argument("--ndc", help="the product used, e.g. 50242-0053-06")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--single-dose", action="store_true", help="single-dose container(s)")
    kind.add_argument("--multi-dose", action="store_true", help="multi-dose container")
    parser.add_argument(
        "--date", type=iso_date, default=None, help="date of service YYYY-MM-DD (default today)"
    )
    parser.add_argument(
        "--units",
        type=positive_int,
        help="billing units entered by hand (for codes whose descriptor cannot be read)",
    )
    parser.add_argument("--concentration", help="drug per mL of the product, e.g. '10 mg/mL'")
    parser.add_argument("--drug-name", default="", help="drug name for the note of a NOC code")
    parser.add_argument("--qualifier", help="NDC unit qualifier to use: UN, ML, GR, F2 or ME")
    parser.add_argument("--catalog", type=Path, help="catalog file (default: the catalog in use)")
    parser.add_argument(
        "--no-clinic-data",
        action="store_true",
        help="ignore the clinic's saved charges and NDC qualifiers (and its name on the PDF)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--pdf", type=Path, help="also write the printed summary to this PDF")
    parser.set_defaults(handler=run)


@contextlib.contextmanager
def clinic_store(wanted: bool) -> Iterator[ClinicStore | None]:
    """The per-user clinic store, or None when not wanted or not readable (with a warning)."""
    if not wanted:
        yield None
        return
    try:
        store = ClinicStore.open()
    except UserDataError as error:
        print(f"warning: the clinic's data is not used: {error}", file=sys.stderr)
        yield None
        return
    try:
        yield store
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    """Handle ``jcalc calc``; errors become one ``error:`` line and exit code 2."""
    container = ContainerType.UNKNOWN
    if args.single_dose:
        container = ContainerType.SINGLE_DOSE
    elif args.multi_dose:
        container = ContainerType.MULTI_DOSE
    entry = CalcInput(
        code=args.code,
        dose=args.dose,
        date_of_service=args.date or date.today(),
        packages=tuple(args.package),
        ndc=args.ndc,
        container=container,
        units=args.units,
        concentration=args.concentration,
        qualifier=args.qualifier,
        drug_name=args.drug_name,
        weight=args.weight,
        height=args.height,
        bsa=args.bsa,
        given_to_others=args.given_to_others,
        billing=BillingChoice(
            program_340b=args.program_340b,
            entity_340b=Entity340B(args.entity_340b) if args.entity_340b else None,
            max_units_per_line=args.max_units_per_line,
            repeat_modifier=args.repeat_modifier,
        ),
    )
    try:
        with (
            open_chosen_catalog(args.catalog) as catalog,
            clinic_store(not args.no_clinic_data) as clinic,
        ):
            result = calculate_from_text(catalog, entry, clinic=clinic)
            if args.pdf is not None:
                from jcalc.printing import write_pdf_for_calculation  # Qt only when asked

                settings = clinic.settings() if clinic is not None else None
                write_pdf_for_calculation(
                    catalog,
                    result,
                    args.pdf,
                    clinic_name=settings.clinic_name if settings else "",
                    page_size=settings.page_size if settings else "Letter",
                )
    except (JcalcError, OSError) as error:
        return print_error(describe_failure(error) or str(error))
    if args.json:
        print(json.dumps(calculation_to_dict(result), indent=2, ensure_ascii=False))
    else:
        print(calculation_to_text(result))
    return 0
