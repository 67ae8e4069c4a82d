"""``jcalc clinic set-340b / set-units-per-line / set-repeat-modifier / set-concentration``.

The clinic's billing settings every calculation starts from (an entry's own flags win).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from jcalc.core.billing import DEFAULT_MAX_UNITS_PER_LINE, DEFAULT_REPEAT_MODIFIER, Entity340B
from jcalc.core.ndc import format_ndc, normalize_ndc
from jcalc.userdata import billing_settings as keys
from jcalc.userdata.clinic import ClinicStore

Handler = Callable[[ClinicStore, argparse.Namespace], int]
Bind = Callable[[argparse.ArgumentParser, Handler], None]
DEFAULT_WORDS = ("default", "none", "-")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], bind: Bind) -> None:
    """Add the billing-setting subcommands to ``jcalc clinic``."""
    program = commands.add_parser(
        "set-340b", help="340B-acquired drugs by default: TB (JG before 2025 by entity type)"
    )
    program.add_argument("state", choices=("on", "off"))
    program.add_argument(
        "--entity",
        choices=[entity.value for entity in Entity340B],
        help="exempt (rural SCH, children's, PPS-exempt cancer hospital: TB before 2025) or "
        "non-exempt (JG before 2025)",
    )
    bind(program, _set_340b)

    limit = commands.add_parser(
        "set-units-per-line",
        help=f"units one claim line may carry (default {DEFAULT_MAX_UNITS_PER_LINE:,})",
    )
    limit.add_argument("units", help="a whole number 1-9999, or 'default'")
    bind(limit, _set_units_per_line)

    repeat = commands.add_parser(
        "set-repeat-modifier",
        help=f"modifier on repeated lines (default {DEFAULT_REPEAT_MODIFIER})",
    )
    repeat.add_argument("modifier", choices=("76", "77", "none", "default"))
    bind(repeat, _set_repeat)

    concentration = commands.add_parser(
        "set-concentration",
        help="an NDC's concentration from its label ('100 mg/mL', '10%%'); wins over one "
        "derived from the crosswalk ('none' clears it)",
    )
    concentration.add_argument("ndc")
    concentration.add_argument("concentration")
    bind(concentration, _set_concentration)

    show = commands.add_parser("billing", help="the clinic's billing settings")
    bind(show, _show)


def _set_340b(store: ClinicStore, args: argparse.Namespace) -> int:
    store.set_billing(keys.KEY_340B, args.state)
    if args.entity:
        store.set_billing(keys.KEY_ENTITY, args.entity)
    return _show(store, args)


def _set_units_per_line(store: ClinicStore, args: argparse.Namespace) -> int:
    value = None if args.units.strip().lower() in DEFAULT_WORDS else args.units
    store.set_billing(keys.KEY_MAX_UNITS, value)
    return _show(store, args)


def _set_repeat(store: ClinicStore, args: argparse.Namespace) -> int:
    store.set_billing(keys.KEY_REPEAT, None if args.modifier == "default" else args.modifier)
    return _show(store, args)


def _set_concentration(store: ClinicStore, args: argparse.Namespace) -> int:
    key = keys.CONCENTRATION_PREFIX + args.ndc
    text = args.concentration
    store.set_billing(key, None if text.strip().lower() in DEFAULT_WORDS else text)
    return _show(store, args)


def _show(store: ClinicStore, _args: argparse.Namespace) -> int:
    defaults = store.billing_defaults()
    print(f"units per line: {defaults.max_units_per_line:,}")
    print(f"repeat modifier: {defaults.repeat_modifier or 'none'}")
    state = "on" if defaults.program_340b else "off"
    print(f"340B: {state} (entity type: {defaults.entity_340b.value})")
    for key, value in store.settings().billing.items():
        if key.startswith(keys.CONCENTRATION_PREFIX):
            ndc = normalize_ndc(key[len(keys.CONCENTRATION_PREFIX) :])
            print(f"concentration of NDC {format_ndc(ndc)}: {value}")
    return 0
