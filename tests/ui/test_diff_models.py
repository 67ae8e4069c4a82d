"""The review's models are thin adapters over a CatalogDiff: checked by qtmodeltester."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt

from jcalc.catalog.diff import (
    AddedCode,
    CatalogDiff,
    ClinicImpact,
    DescriptorChange,
    MueChange,
    PriceChange,
    TerminatedCode,
)
from jcalc.core.drug import MueLimit
from jcalc.ui.diff_models import (
    ITEM_ROLE,
    AddedCodesModel,
    ClinicImpactModel,
    DescriptorChangesModel,
    MueChangesModel,
    PriceChangesModel,
    TerminatedCodesModel,
    diff_sections,
)

TESTUMAB = "Injection, testumab, 5 mg"


def a_diff(info) -> CatalogDiff:
    return CatalogDiff(
        old=info,
        new=info,
        added=(AddedCode("J9601", "testumab", TESTUMAB, "5 mg", Decimal("12.5")),),
        terminated=(
            TerminatedCode(
                "J9035",
                "bevacizumab",
                "Injection, bevacizumab, 10 mg",
                date(2026, 3, 31),
                False,
                ("J9601",),
            ),
            TerminatedCode("Q5115", "rituximab-abbs", "Injection, rituximab-abbs", None, True),
        ),
        descriptors_changed=(
            DescriptorChange("J1885", "ketorolac", "…, per 15 mg", "…, 30 mg", "15 mg", "30 mg"),
        ),
        prices_changed=(
            PriceChange("J9173", "durvalumab", Decimal("86.270"), Decimal("50.000")),
            PriceChange("J9312", "rituximab", Decimal("74.765"), Decimal("80.000")),
            PriceChange("Q5115", "rituximab-abbs", Decimal("40.1"), None),
        ),
        mue_changed=(MueChange("J9312", "rituximab", MueLimit(150, 3), MueLimit(120, 3)),),
        clinic_affected=(
            ClinicImpact("J9312", "rituximab", True, False, ("payment limit $74.765 → $80.000",)),
            ClinicImpact("J9271", "pembrolizumab", False, True, ("MUE 20 → 10",)),
            ClinicImpact("J2312", "naloxone", False, False, ("default NDC … gone",)),
        ),
    )


def test_every_model_passes_the_model_tester(qtmodeltester, bundled_catalog) -> None:
    diff = a_diff(bundled_catalog.info())
    sections = diff_sections(diff)
    assert [s.key for s in sections] == [
        "clinic", "prices", "added", "terminated", "descriptors", "mue",
    ]  # fmt: skip
    for section in sections:
        qtmodeltester.check(section.model)
        assert section.model.rowCount() > 0
        first = section.model.index(0, 0)
        assert section.model.data(first, ITEM_ROLE) is section.model.item(0)
        section.model.set_items([])
        qtmodeltester.check(section.model)
        assert section.model.rowCount() == 0 and section.model.item(0) is None


def test_payment_limits_keep_the_diff_order_with_dollars_per_unit(bundled_catalog) -> None:
    model = PriceChangesModel(a_diff(bundled_catalog.info()).prices_changed)
    assert model.column_texts(0) == ["J9173", "J9312", "Q5115"]  # largest change first
    assert model.column_texts(2) == [
        "$86.270 per unit", "$74.765 per unit", "$40.10 per unit",
    ]  # fmt: skip
    assert model.column_texts(3) == ["$50.000 per unit", "$80.000 per unit", "none"]
    assert model.column_texts(4) == ["-$36.270 (-42.0%)", "+$5.235 (+7.0%)", "no longer priced"]
    right = model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole)
    assert right & Qt.AlignmentFlag.AlignRight
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Old limit"


def test_the_other_lists_read_in_plain_words(bundled_catalog) -> None:
    diff = a_diff(bundled_catalog.info())
    added = AddedCodesModel(diff.added)
    assert [added.index(0, c).data() for c in range(5)] == [
        "J9601", "testumab", TESTUMAB, "5 mg", "$12.50 per unit",
    ]  # fmt: skip
    ended = TerminatedCodesModel(diff.terminated)
    assert ended.column_texts(2) == ["ends 2026-03-31 (see J9601)", "no longer in the catalog"]
    described = DescriptorChangesModel(diff.descriptors_changed)
    assert described.column_texts(4) == ["15 mg → 30 mg"]
    mue = MueChangesModel(diff.mue_changed)
    assert mue.column_texts(2)[0].startswith("150 units") and mue.column_texts(3)[0].startswith(
        "120 units"
    )
    clinic = ClinicImpactModel(diff.clinic_affected)
    assert clinic.column_texts(2) == ["★ favourite", "priced", "default NDC"]
    assert clinic.column_texts(3)[0] == "payment limit $74.765 → $80.000"
