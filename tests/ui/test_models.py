"""The item models are thin adapters: checked by qtmodeltester, and their roles."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from jcalc.core.drug import NdcProduct
from jcalc.core.summary import AdministrationCode
from jcalc.service import CalcInput, calculate_from_text
from jcalc.ui.encounter_model import (
    COL_ASP,
    COL_LINES,
    ITEM_ROLE,
    AdministrationItem,
    DrugItem,
    EncounterModel,
)
from jcalc.ui.ndc_model import (
    COL_BRAND,
    COL_LABELER,
    COL_NDC,
    COL_PACKAGE,
    NDC_ROLE,
    PRODUCT_ROLE,
    NdcTableModel,
    package_text,
)
from jcalc.ui.search_model import COL_STATUS, RESULT_ROLE, SearchResultsModel
from tests.ui.fakes import PRODUCTS, RITUXIMAB, FakeCatalog

DOS = date(2026, 2, 2)


def test_search_model(qtmodeltester, fake_catalog: FakeCatalog) -> None:
    model = SearchResultsModel()
    qtmodeltester.check(model)
    results = fake_catalog.search("rituximab")
    model.set_results("rituximab", results)
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 4
    assert model.index(0, 0).data(RESULT_ROLE) is results[0]
    assert model.index(1, COL_STATUS).data() == "ended"
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Code"
    model.set_results("", [])
    qtmodeltester.check(model)
    assert model.rowCount() == 0 and model.result(0) is None


def test_ndc_model(qtmodeltester) -> None:
    model = NdcTableModel()
    model.set_products(PRODUCTS, RITUXIMAB.descriptor)
    qtmodeltester.check(model)
    assert model.index(1, COL_NDC).data() == "50242-0053-06"
    assert model.index(1, COL_PACKAGE).data() == "500 mg in 50 mL"
    assert model.index(1, COL_LABELER).data() == "Labeler Inc."
    assert model.index(1, 0).data(NDC_ROLE) == "50242005306"
    assert model.index(1, 0).data(PRODUCT_ROLE) is PRODUCTS[1]
    assert model.row_of("50242005306") == 1 and model.row_of("00000000000") == -1
    assert package_text(PRODUCTS[0], None) == "10 mL"


def test_ndc_model_marks_product_identifiers_that_are_not_ndcs(qtmodeltester) -> None:
    """Skin substitutes' crosswalk identifiers (GG100) are shown but can never be picked."""
    other = NdcProduct(
        ndc="GG100", hcpcs="Q4111", labeler="Promethean", drug_name="GammaGraft",
        extra={"identifier": "not an NDC"},
    )  # fmt: skip
    model = NdcTableModel()
    model.set_products([*PRODUCTS, other], RITUXIMAB.descriptor)
    qtmodeltester.check(model)
    row = len(PRODUCTS)
    assert model.index(row, COL_NDC).data() == "GG100 (not an NDC)"
    assert model.index(row, COL_BRAND).data() == "GammaGraft"
    assert model.index(row, 0).data(NDC_ROLE) is None
    assert model.flags(model.index(row, 0)) == Qt.ItemFlag.NoItemFlags  # not selectable
    assert model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert model.row_of("GG100") == -1


def test_encounter_model(qtmodeltester, fake_catalog: FakeCatalog) -> None:
    model = EncounterModel()
    qtmodeltester.check(model)
    entry = CalcInput(code="J9312", dose="450 mg", date_of_service=DOS)
    calc = calculate_from_text(fake_catalog, entry)  # type: ignore[arg-type]
    changes: list[int] = []
    model.contentsChanged.connect(lambda: changes.append(1))
    model.add_drug(entry, calc)
    model.add_administration([AdministrationCode("96413"), AdministrationCode("96415", 2)])
    model.add_administration([AdministrationCode("96415")])
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and len(changes) == 3
    assert isinstance(model.index(0, 0).data(ITEM_ROLE), DrugItem)
    assert model.index(0, COL_LINES).data() == "45 units"
    assert model.index(0, COL_ASP).data() == "$3,364.43"
    admin = model.index(2, 0).data(ITEM_ROLE)
    assert isinstance(admin, AdministrationItem) and admin.code.units == 3
    assert model.index(2, COL_LINES).data() == "3 units"
    assert model.remove_row(0) and not model.remove_row(5)
    qtmodeltester.check(model)
    assert model.administration_codes() == (
        AdministrationCode("96413"),
        AdministrationCode("96415", 3),
    )
    model.clear()
    assert model.rowCount() == 0
