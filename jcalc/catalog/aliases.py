"""Names billers search by that the CMS files do not carry: brands, abbreviations and uses.

The bundled ``aliases.csv`` has the columns ``alias,kind,hcpcs,note``. ``kind`` is ``brand``
("Narcan"), ``abbreviation`` ("B12", "NS") or ``use`` ("opioid overdose"); ``hcpcs`` is the code the
name points at; ``note`` is the generic name as the HCPCS long description spells it
("naloxone hydrochloride"), which the tests check against the official file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal, cast, get_args

from jcalc.core.errors import JcalcError
from jcalc.paths import resource_path

AliasKind = Literal["brand", "abbreviation", "use"]
ALIAS_KINDS: Final[tuple[str, ...]] = get_args(AliasKind)
ALIAS_COLUMNS: Final = ("alias", "kind", "hcpcs", "note")
MAX_ALIAS_LENGTH: Final = 80

_CODE_RE = re.compile(r"[A-Z][0-9]{4}")


@dataclass(frozen=True)
class Alias:
    """A name that finds a HCPCS code: ``Alias("Narcan", "brand", "J2312")``."""

    alias: str
    kind: AliasKind
    hcpcs: str
    note: str = field(default="", compare=False)


def _row_error(path: Path, line: int, problem: str) -> JcalcError:
    return JcalcError(f"{path}: row {line}: {problem}")


def _parse_row(path: Path, line: int, row: dict[str, str | None]) -> Alias:
    if None in row:
        raise _row_error(path, line, "more columns than the header (alias,kind,hcpcs,note)")
    alias = " ".join((row.get("alias") or "").split())
    kind = (row.get("kind") or "").strip().lower()
    code = (row.get("hcpcs") or "").strip().upper()
    note = (row.get("note") or "").strip()
    if not alias:
        raise _row_error(path, line, "the alias is empty")
    if len(alias) > MAX_ALIAS_LENGTH:
        raise _row_error(path, line, f"the alias is longer than {MAX_ALIAS_LENGTH} characters")
    if kind not in ALIAS_KINDS:
        raise _row_error(path, line, f"kind '{kind}' is not one of {', '.join(ALIAS_KINDS)}")
    if not _CODE_RE.fullmatch(code):
        raise _row_error(
            path, line, f"'{code}' is not a HCPCS Level II code (a letter and four digits)"
        )
    return Alias(alias, cast(AliasKind, kind), code, note)


def load_aliases(path: Path | None = None) -> list[Alias]:
    """Read an alias file (the bundled ``aliases.csv`` by default), in file order.

    Raises JcalcError naming the file, the row and the problem for a missing column, an empty
    alias, an unknown kind, a malformed code or a repeated (alias, code) pair.
    """
    source = path if path is not None else resource_path("aliases.csv")
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            missing = [name for name in ALIAS_COLUMNS[:3] if name not in header]
            if missing:
                raise JcalcError(f"{source}: row 1: missing column(s) {', '.join(missing)}")
            reader.fieldnames = header
            aliases: list[Alias] = []
            seen: dict[tuple[str, str], int] = {}
            for row in reader:
                line = reader.line_num
                if not any((value or "").strip() for value in row.values() if value is not None):
                    continue  # a blank line
                entry = _parse_row(source, line, row)
                key = (entry.alias.casefold(), entry.hcpcs)
                if key in seen:
                    raise _row_error(
                        source, line, f"'{entry.alias}' → {entry.hcpcs} repeats row {seen[key]}"
                    )
                seen[key] = line
                aliases.append(entry)
    except OSError as exc:
        raise JcalcError(f"{source}: cannot read the alias file ({exc.strerror or exc})") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise JcalcError(f"{source}: not a readable CSV file ({exc})") from exc
    return aliases
