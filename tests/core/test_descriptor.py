from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcalc.core.descriptor import DescriptorKind, descriptors_agree, parse_descriptor
from jcalc.core.quantity import Unit


@pytest.mark.parametrize(
    ("text", "kind", "amount", "unit"),
    [
        ("Injection, rituximab, 10 mg", DescriptorKind.PER_AMOUNT, "10", Unit.MG),
        ("Injection, ceftriaxone sodium, per 250 mg", DescriptorKind.PER_AMOUNT, "250", Unit.MG),
        ("Injection, nandrolone decanoate, up to 50 mg", DescriptorKind.UP_TO, "50", Unit.MG),
        ("Injection, onabotulinumtoxina, 1 unit", DescriptorKind.PER_AMOUNT, "1", Unit.UNITS),
        (
            "Injection, penicillin g benzathine, 100,000 units",
            DescriptorKind.PER_AMOUNT,
            "100000",
            Unit.UNITS,
        ),
        ("Injection, aflibercept, per 0.1 ml", DescriptorKind.PER_AMOUNT, "0.1", Unit.ML),
        ("Infusion, normal saline solution, 1000 cc", DescriptorKind.PER_AMOUNT, "1000", Unit.ML),
        (
            "Injection, digoxin immune fab (ovine), per vial",
            DescriptorKind.PER_VIAL,
            "1",
            Unit.VIAL,
        ),
        (
            "Hyaluronan or derivative, gel-one, for intra-articular injection, per dose",
            DescriptorKind.PER_DOSE,
            "1",
            Unit.DOSE,
        ),
        (
            "Factor viii (antihemophilic factor, human) per i.u.",
            DescriptorKind.PER_AMOUNT,
            "1",
            Unit.UNITS,
        ),
        ("Injection, cefotaxime sodium, per gm", DescriptorKind.PER_AMOUNT, "1", Unit.G),
        (
            "Injection, naloxone hydrochloride, not otherwise specified, 0.01 mg",
            DescriptorKind.PER_AMOUNT,
            "0.01",
            Unit.MG,
        ),
        (
            "Injection, abatacept, 10 mg (code may be used for medicare when drug administered "
            "under the direct supervision of a physician, not for use when drug is self "
            "administered)",
            DescriptorKind.PER_AMOUNT,
            "10",
            Unit.MG,
        ),
        (
            "Injection, atezolizumab, 5 mg and hyaluronidase-tqjs",
            DescriptorKind.PER_AMOUNT,
            "5",
            Unit.MG,
        ),
        (
            "Injection, aztreonam/avibactam, 7.5 mg/2.5 mg (10 mg)",
            DescriptorKind.PER_AMOUNT,
            "10",
            Unit.MG,
        ),
        (
            "Injection, thyrotropin alpha, 0.9 mg, provided in 1.1 mg vial",
            DescriptorKind.PER_AMOUNT,
            "0.9",
            Unit.MG,
        ),
        ("Injection, sincalide, 5 micrograms", DescriptorKind.PER_AMOUNT, "5", Unit.MCG),
        ("Injection, potassium chloride, per 2 meq", DescriptorKind.PER_AMOUNT, "2", Unit.MEQ),
        (
            "Infusion, normal saline solution, sterile (500 ml=1 unit)",
            DescriptorKind.PER_AMOUNT,
            "500",
            Unit.ML,
        ),
        ("10 MG", DescriptorKind.PER_AMOUNT, "10", Unit.MG),
        ("UP TO 1 GM", DescriptorKind.UP_TO, "1", Unit.G),
        ("PER VIAL", DescriptorKind.PER_VIAL, "1", Unit.VIAL),
        ("1\u00a0MG", DescriptorKind.PER_AMOUNT, "1", Unit.MG),
    ],
)
def test_parse_descriptor(text: str, kind: DescriptorKind, amount: str, unit: Unit) -> None:
    descriptor = parse_descriptor(text)
    assert descriptor.kind is kind
    assert descriptor.amount is not None
    assert descriptor.amount.amount == Decimal(amount)
    assert descriptor.amount.unit is unit


@pytest.mark.parametrize(
    "text",
    ["Unclassified drugs", "Not otherwise classified, antineoplastic drugs", "", "Laetrile"],
)
def test_unreadable_descriptors_are_marked_not_guessed(text: str) -> None:
    descriptor = parse_descriptor(text)
    assert descriptor.kind is DescriptorKind.UNPARSED
    assert descriptor.amount is None
    assert not descriptor.is_numeric


def test_combination_without_total_is_flagged() -> None:
    descriptor = parse_descriptor("Injection, ceftolozane 50 mg and tazobactam 25 mg")
    assert descriptor.note.startswith("combination product")


def test_descriptors_agree_across_units_and_up_to() -> None:
    assert descriptors_agree(parse_descriptor("up to 1 g"), parse_descriptor("1000 MG"))
    assert not descriptors_agree(parse_descriptor("10 mg"), parse_descriptor("1 MG"))
    assert not descriptors_agree(parse_descriptor("Unclassified"), parse_descriptor("Unclassified"))


@pytest.mark.parametrize(
    "word",
    [
        "mcg",
        "microgram",
        "micrograms",
        "mg",
        "milligram",
        "milligrams",
        "g",
        "gm",
        "gram",
        "grams",
        "ml",
        "cc",
        "milliliter",
        "usp unit",
        "usp units",
        "international units",
        "unit",
        "units",
        "i.u.",
        "iu",
        "meq",
        "milliequivalents",
        "mmol",
        "millimoles",
    ],
)
def test_every_descriptor_unit_spelling_is_known(word: str) -> None:
    descriptor = parse_descriptor(f"Injection, example, per 2 {word}")
    assert descriptor.amount is not None and descriptor.amount.amount == 2


@given(st.text(max_size=300))
def test_any_text_parses_or_is_marked_unparsed(text: str) -> None:
    descriptor = parse_descriptor(text)
    assert descriptor.is_numeric == (descriptor.amount is not None)


def test_every_real_hcpcs_description_parses_without_error(cms_files) -> None:
    import csv

    with cms_files["hcpcs_csv"].open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            parse_descriptor(row["LONG DESCRIPTION"])
            parse_descriptor(row["SHORT DESCRIPTION"])
