"""The alias list: its loader, its contents, and every target code checked against the real
HCPCS file (active, and really the drug the row's note names)."""

from __future__ import annotations

import csv
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from jcalc.catalog.aliases import ALIAS_KINDS, Alias, load_aliases
from jcalc.core.errors import JcalcError
from jcalc.paths import bundled_catalog_path, resource_path

BUNDLED_ALIASES = resource_path("aliases.csv")


@pytest.fixture(scope="module")
def aliases() -> list[Alias]:
    return load_aliases()


@pytest.fixture(scope="module")
def hcpcs_file(cms_files: dict[str, Path]) -> dict[str, dict[str, str]]:
    """The 2026 HCPCS Level II CSV export, by code."""
    path = cms_files["hcpcs_csv"]
    if not path.is_file():
        pytest.skip(f"the HCPCS CSV export is not at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["HCPC"].strip(): row for row in csv.DictReader(handle)}


def test_bundled_file_loads(aliases: list[Alias]) -> None:
    assert len(aliases) >= 300
    assert all(alias.kind in ALIAS_KINDS for alias in aliases)
    assert all(re.fullmatch(r"[A-Z][0-9]{4}", alias.hcpcs) for alias in aliases)
    assert all(alias.alias == alias.alias.strip() and alias.alias for alias in aliases)
    assert all(alias.note for alias in aliases), "every row names its generic in 'note'"


def test_covers_at_least_100_drugs(aliases: list[Alias]) -> None:
    assert len({alias.hcpcs for alias in aliases}) >= 100
    kinds = Counter(alias.kind for alias in aliases)
    assert kinds["brand"] >= 100 and kinds["abbreviation"] >= 20 and kinds["use"] >= 30


@pytest.mark.parametrize(
    ("name", "kind", "code"),
    [
        ("Narcan", "brand", "J2312"),
        ("Zofran", "brand", "J2405"),
        ("Toradol", "brand", "J1885"),
        ("Decadron", "brand", "J1100"),
        ("Rocephin", "brand", "J0696"),
        ("Kenalog", "brand", "J3301"),
        ("Depo-Medrol", "brand", "J1010"),
        ("Solu-Medrol", "brand", "J2919"),
        ("Rituxan", "brand", "J9312"),
        ("Benadryl", "brand", "J1200"),
        ("Phenergan", "brand", "J2550"),
        ("Depo-Provera", "brand", "J1050"),
        ("Prolia", "brand", "J0897"),
        ("Xgeva", "brand", "J0897"),
        ("Botox", "brand", "J0585"),
        ("B12", "abbreviation", "J3420"),
        ("MTX", "abbreviation", "J9260"),
        ("dex", "abbreviation", "J1100"),
        ("NS", "abbreviation", "J7030"),
        ("IVIG", "abbreviation", "J1599"),
        ("EPO", "abbreviation", "J0885"),
        ("opioid overdose", "use", "J2312"),
        ("nausea", "use", "J2405"),
        ("allergic reaction", "use", "J1200"),
        ("vitamin b12 deficiency", "use", "J3420"),
        ("osteoporosis", "use", "J0897"),
        ("anemia", "use", "J0885"),
        ("birth control shot", "use", "J1050"),
    ],
)
def test_expected_aliases(aliases: list[Alias], name: str, kind: str, code: str) -> None:
    assert Alias(name, kind, code) in aliases  # type: ignore[arg-type]


@pytest.mark.needs_shared
def test_every_code_is_active_and_is_the_drug_named(
    aliases: list[Alias], hcpcs_file: dict[str, dict[str, str]]
) -> None:
    problems = []
    for alias in aliases:
        row = hcpcs_file.get(alias.hcpcs)
        if row is None:
            problems.append(f"{alias.alias}: {alias.hcpcs} is not in the HCPCS file")
        elif row["TERM DT"].strip():
            problems.append(f"{alias.alias}: {alias.hcpcs} ended {row['TERM DT'].strip()}")
        elif alias.note.lower() not in row["LONG DESCRIPTION"].lower():
            problems.append(
                f"{alias.alias}: {alias.hcpcs} is '{row['LONG DESCRIPTION']}', not '{alias.note}'"
            )
    assert problems == []


@pytest.mark.needs_shared
def test_narcan_points_at_the_active_naloxone_code(
    aliases: list[Alias], hcpcs_file: dict[str, dict[str, str]]
) -> None:
    assert hcpcs_file["J2310"]["TERM DT"].strip()  # the old per-1-mg code has ended
    assert not hcpcs_file["J2312"]["TERM DT"].strip()
    assert {alias.hcpcs for alias in aliases if alias.alias == "Narcan"} == {"J2312"}


def test_every_code_is_kept_by_the_bundled_catalog(aliases: list[Alias]) -> None:
    path = bundled_catalog_path()
    if not path.is_file():
        pytest.skip(f"the bundled catalog {path} has not been built")
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
        kept = {str(row[0]) for row in conn.execute("SELECT hcpcs FROM codes")}
    conn.close()
    assert sorted({alias.hcpcs for alias in aliases} - kept) == []


# -- the loader --------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "aliases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_reads_columns_in_any_case_and_skips_blank_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffAlias,KIND,Hcpcs,Note\n Narcan ,Brand,j2312,naloxone\n\n,,,\n"
        "B12,abbreviation,J3420,\n",
    )
    assert load_aliases(path) == [
        Alias("Narcan", "brand", "J2312", "naloxone"),
        Alias("B12", "abbreviation", "J3420"),
    ]


def test_note_column_is_optional(tmp_path: Path) -> None:
    path = write(tmp_path, "alias,kind,hcpcs\nZofran,brand,J2405\n")
    assert load_aliases(path) == [Alias("Zofran", "brand", "J2405")]


@pytest.mark.parametrize(
    ("content", "row", "problem"),
    [
        ("alias,kind,hcpcs,note\nNarcan,brand name,J2312,x\n", 2, "kind 'brand name'"),
        ("alias,kind,hcpcs,note\n ,brand,J2312,x\n", 2, "alias is empty"),
        ("alias,kind,hcpcs,note\nNarcan,brand,J231,x\n", 2, "'J231' is not a HCPCS"),
        ("alias,kind,hcpcs,note\nNarcan,brand,,x\n", 2, "is not a HCPCS"),
        ("alias,kind,hcpcs,note\nA,use,J2312,x\nNarcan,brand,J2312,x,extra\n", 3, "more columns"),
        ("alias,kind,hcpcs,note\nNarcan,brand,J2312,x\nnarcan,brand,J2312,y\n", 3, "repeats row 2"),
        ("alias,kind,note\nNarcan,brand,x\n", 1, "missing column(s) hcpcs"),
        ("alias,kind,hcpcs\n" + "x" * 81 + ",use,J2312\n", 2, "longer than 80"),
    ],
)
def test_malformed_rows_name_file_row_and_problem(
    tmp_path: Path, content: str, row: int, problem: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(JcalcError) as raised:
        load_aliases(path)
    message = str(raised.value)
    assert str(path) in message
    assert f"row {row}:" in message
    assert problem in message


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(JcalcError, match="cannot read the alias file"):
        load_aliases(tmp_path / "missing.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("alias,kind,hcpcs\nDécadron,brand,J1100\n".encode("latin-1"))
    with pytest.raises(JcalcError, match="not a readable CSV"):
        load_aliases(bad)


def test_same_alias_may_name_several_codes(tmp_path: Path) -> None:
    path = write(tmp_path, "alias,kind,hcpcs\nNS,abbreviation,J7030\nNS,abbreviation,J7050\n")
    assert [alias.hcpcs for alias in load_aliases(path)] == ["J7030", "J7050"]


def test_default_path_is_the_bundled_file() -> None:
    assert BUNDLED_ALIASES.is_file()
    assert load_aliases(BUNDLED_ALIASES) == load_aliases()
