"""FitScrollArea: as tall as its wrapped contents when there is room, scrolls when there is not,
and keeps the field with the keyboard focus in view."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from jcalc.ui.fit_scroll_area import FitScrollArea

LONG = " ".join(["a long wrapped description"] * 30)


def _window(qtbot) -> tuple[QWidget, FitScrollArea, QLabel, QLineEdit, QLineEdit]:
    window = QWidget()
    qtbot.addWidget(window)
    contents = QWidget()
    label = QLabel(LONG, contents)
    label.setWordWrap(True)
    inner = QLineEdit(contents)
    inner_layout = QVBoxLayout(contents)
    inner_layout.addWidget(label)
    inner_layout.addWidget(inner)
    area = FitScrollArea(contents, window)
    outside = QLineEdit(window)
    layout = QVBoxLayout(window)
    layout.addWidget(area)
    layout.addWidget(outside, 1)
    window.show()
    qtbot.waitExposed(window)
    return window, area, label, inner, outside


def test_with_room_the_contents_are_whole_without_a_scroll_bar(qtbot) -> None:
    window, area, label, _inner, _outside = _window(qtbot)
    window.resize(400, 700)
    qtbot.wait(20)
    assert label.height() >= label.heightForWidth(label.width())
    assert area.height() >= area.widget().heightForWidth(area.viewport().width())
    assert not area.verticalScrollBar().isVisible()


def test_without_room_it_scrolls_and_keeps_the_focused_field_in_view(qtbot) -> None:
    window, area, label, inner, outside = _window(qtbot)
    window.resize(300, 160)
    qtbot.wait(20)
    assert label.height() >= label.heightForWidth(label.width())  # never squeezed
    assert area.verticalScrollBar().isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    outside.setFocus()
    area.verticalScrollBar().setValue(0)
    assert inner.visibleRegion().isEmpty()  # below the fold
    inner.setFocus()  # as Tab from a field outside does
    qtbot.waitUntil(lambda: not inner.visibleRegion().isEmpty(), timeout=1000)
    assert inner.visibleRegion().boundingRect().height() == inner.height()
