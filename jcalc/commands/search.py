"""``jcalc search``: find a drug's HCPCS code by code, NDC, name, brand, labeler or alias."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Final

from jcalc.catalog.library import open_chosen_catalog
from jcalc.catalog.search import STATUS_ACTIVE, SearchResult, search
from jcalc.commands.arguments import iso_date, positive_int
from jcalc.console import describe_failure, print_error
from jcalc.core.errors import JcalcError

DEFAULT_LIMIT: Final = 20
_NAME_WIDTH: Final = 48


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``search`` subcommand."""
    parser = subparsers.add_parser(
        "search",
        help="find a drug's code by code, NDC, name, brand or alias",
        description="Search the catalog by HCPCS code or its start (J9312, j93), NDC in any "
        "form (50242-0053-06, 50242005306), generic or brand name, labeler, or alias "
        "(Narcan, B12, 'opioid overdose'). Typos are forgiven.",
    )
    parser.add_argument("query", nargs="+", help="what to look for; several words are joined")
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N results (default {DEFAULT_LIMIT})",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list, best first")
    parser.add_argument("--catalog", type=Path, help="catalog file (default: the catalog in use)")
    parser.add_argument(
        "--date",
        type=iso_date,
        default=None,
        help="day the status (active, terminated) is given for, YYYY-MM-DD (default today)",
    )
    parser.set_defaults(handler=run)


def format_table(results: list[SearchResult]) -> str:
    """Aligned columns: code, name, descriptor, status (upper case unless active), what matched."""
    rows = [("CODE", "NAME", "UNIT", "STATUS", "MATCHED")]
    for result in results:
        name = result.name if len(result.name) <= _NAME_WIDTH else result.name[: _NAME_WIDTH - 1]
        if name != result.name:
            name += "…"
        status = result.status if result.status == STATUS_ACTIVE else result.status.upper()
        matched = result.matched
        if result.ndc:
            matched = f"ndc {result.ndc}"
        if result.brand and result.matched in ("brand", "ndc"):
            matched += f" ({result.brand})"
        rows.append((result.hcpcs, name, result.descriptor, status, matched))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        for row in rows
    )


def run(args: argparse.Namespace) -> int:
    """Handle ``jcalc search``; a catalog problem becomes one ``error:`` line and exit code 2."""
    query = " ".join(args.query)
    try:
        with open_chosen_catalog(args.catalog) as catalog:
            results = search(catalog.connection, query, limit=args.limit, today=args.date)
    except (JcalcError, OSError) as error:
        return print_error(describe_failure(error) or str(error))
    if args.json:
        print(json.dumps([result.to_json() for result in results], indent=2, ensure_ascii=False))
    elif results:
        print(format_table(results))
    else:
        print(f"no drug matches '{query.strip()}'")
    return 0
