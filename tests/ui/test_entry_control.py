"""Picking a drug fills in what the clinic remembered for it (issue 10: "the container is
'Unknown' on every pick even where the clinic always uses single-dose vials")."""

from __future__ import annotations

from jcalc.core.containers import ContainerType
from jcalc.ui import MainWindow
from tests.ui.conftest import type_search


def test_a_remembered_container_type_is_filled_in_on_every_pick(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    assert window.dose_panel.ndc_edit.text() == ""
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    window.dose_panel.remember_button.click()  # "Remember as default", no NDC picked
    saved = window.clinic.code_settings("J9312")
    assert saved is not None and saved.container_type is ContainerType.SINGLE_DOSE

    window.search_box.clear()
    type_search(qtbot, window, "J2405")  # another drug, nothing remembered: Unknown
    assert window.drug is not None and window.drug.hcpcs == "J2405"
    assert window.dose_panel.container_type is ContainerType.UNKNOWN

    window.search_box.clear()
    type_search(qtbot, window, "rituximab")  # back by name: the remembered type, not Unknown
    assert window.drug is not None and window.drug.hcpcs == "J9312"
    assert window.dose_panel.container_type is ContainerType.SINGLE_DOSE
    assert window.dose_panel.packages_edit.isEnabled()  # single-dose: the containers field opens

    window.search_box.clear()
    type_search(qtbot, window, "J2405")
    window.search_box.clear()
    type_search(qtbot, window, "50242-0053-06")  # by one of its NDCs: the type and that NDC
    assert window.drug is not None and window.drug.hcpcs == "J9312"
    assert window.dose_panel.container_type is ContainerType.SINGLE_DOSE
    assert window.dose_panel.ndc_edit.text() == "50242-0053-06"
