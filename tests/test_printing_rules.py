"""The printed summary shows issue 9's rules: 340B and 76 modifiers, the NDC lines, the steps.

The PDF is painted from the summary document, so its text is checked there (pdftotext is not
always installed) and the PDF itself is written through ``jcalc calc --pdf``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from jcalc.calc_options import BillingChoice
from jcalc.catalog.store import open_catalog
from jcalc.cli import main
from jcalc.core.billing import Entity340B
from jcalc.core.summary import summary_from_calculations
from jcalc.printing import summary_document
from jcalc.service import CalcInput, calculate_from_text

DOS = date(2026, 2, 2)


def test_the_printout_carries_the_rules(qtbot, tmp_path: Path) -> None:
    entries = [
        CalcInput(
            code="J9312",
            dose="375 mg/m2",
            date_of_service=DOS,
            ndc="50242-0053-06",
            packages=("auto",),
            height="170 cm",
            weight="70 kg",
            billing=BillingChoice(program_340b=True, entity_340b=Entity340B.EXEMPT),
        ),
        CalcInput(code="J7182", dose="22000 IU", date_of_service=DOS, container=_multi()),
    ]
    with open_catalog() as catalog:
        calcs = [calculate_from_text(catalog, entry) for entry in entries]
    summary = summary_from_calculations(calcs, date_of_service=DOS)
    text = " ".join(summary_document(summary).toPlainText().split())
    for expected in ("J9312-TB", "J9312-JW-TB", "Mosteller", "J7182-76", "9,999", "2,002"):
        assert expected in text, expected
    assert "50242-0051-21" in text and "50242-0053-06" in text  # one line per NDC

    pdf = tmp_path / "rules.pdf"
    code = main(
        ["calc", "J7182", "22000 IU", "--multi-dose", "--date", DOS.isoformat(), "--pdf", str(pdf)]
    )
    assert code == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)) == 1


def _multi():  # type: ignore[no-untyped-def]
    from jcalc.core.containers import ContainerType

    return ContainerType.MULTI_DOSE
