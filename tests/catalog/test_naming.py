"""Display names derived from real HCPCS long descriptions (January 2026 file)."""

from __future__ import annotations

import pytest

from jcalc.catalog.naming import display_name


@pytest.mark.parametrize(
    ("long_description", "name"),
    [
        ("Injection, rituximab, 10 mg", "rituximab"),
        ("Injection, dexamethasone sodium phosphate, 1 mg", "dexamethasone sodium phosphate"),
        ("Cyclophosphamide; oral, 25 mg", "cyclophosphamide, oral"),
        ("Injection, nandrolone decanoate, up to 50 mg", "nandrolone decanoate"),
        ("Injection, cladribine, per 1 mg", "cladribine"),
        ("Injection, penicillin g benzathine, 100,000 units", "penicillin g benzathine"),
        ("Injection, digoxin immune fab (ovine), per vial", "digoxin immune fab (ovine)"),
        ("Infusion, dextran 40, 500 ml", "dextran 40"),
        ("Unclassified drugs", "unclassified drugs"),
        # "(code may be used for medicare ...)" is a billing note, not part of the name
        (
            "Injection, abatacept, 10 mg (code may be used for medicare when drug administered "
            "under the direct supervision of a physician, not for use when drug is self "
            "administered)",
            "abatacept",
        ),
        # "not therapeutically equivalent to ..." is dropped, the maker in parentheses is kept
        (
            "Injection, pemetrexed (bluepoint), not therapeutically equivalent to j9305, 10 mg",
            "pemetrexed (bluepoint)",
        ),
        (
            "Injection, fulvestrant (fresenius kabi) not therapeutically equivalent to j9395, "
            "25 mg",
            "fulvestrant (fresenius kabi)",
        ),
        (
            "Injection, rituximab-abbs, biosimilar, (truxima), 10 mg",
            "rituximab-abbs, biosimilar (truxima)",
        ),
        # combination products keep both names, without their strengths
        ("Injection, acetaminophen 10 mg and ibuprofen 3 mg", "acetaminophen and ibuprofen"),
        (
            "Injection, atezolizumab, 5 mg and hyaluronidase-tqjs",
            "atezolizumab and hyaluronidase-tqjs",
        ),
        (
            "Factor viii (antihemophilic factor, human) per i.u.",
            "factor viii (antihemophilic factor, human)",
        ),
        (
            "Tacrolimus, extended release, (envarsus xr), oral, 0.25 mg",
            "tacrolimus, extended release (envarsus xr), oral",
        ),
        (
            "Acetylcysteine, inhalation solution, compounded product, administered through dme, "
            "unit dose form, per gram",
            "acetylcysteine, inhalation solution",
        ),
        ("Injection abciximab, 10 mg", "abciximab"),
        ("Injection, epoetin alfa, 100 units (for esrd on dialysis)", "epoetin alfa"),
        ("Infusion, albumin (human), 5%, 50 ml", "albumin (human)"),
        ("5% dextrose/water (500 ml = 1 unit)", "5% dextrose/water"),
        ("Ondansetron 1 mg, oral, fda approved prescription anti-emetic", "ondansetron, oral"),
    ],
)
def test_display_name(long_description: str, name: str) -> None:
    assert display_name(long_description) == name


def test_empty_description_gives_empty_name() -> None:
    assert display_name("") == ""
    assert display_name("   ") == ""


def test_upper_case_acronyms_are_kept() -> None:
    assert display_name("HIV prep drug, oral") == "HIV prep drug, oral"


def test_name_stays_short() -> None:
    text = ", ".join(f"qualifier number {n}" for n in range(20))
    assert len(display_name(f"Injection, somedrug, {text}, 1 mg")) <= 80
