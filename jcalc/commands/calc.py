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

from jcalc.catalog.library import open_chosen_catalog
from jcalc.commands.arguments import iso_date, positive_int
from jcalc.console import describe_failure, print_error
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
        "dose", nargs="?", help="dose with its unit: '450 mg', '0.4mg', '7.5 mL', '2 vials'"
    )
    parser.add_argument(
        "--package",
        action="append",
        default=[],
        metavar="AMOUNT",
        help="labelled content of one opened single-dose container (repeat per container)",
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
