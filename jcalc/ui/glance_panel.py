"""The bill at a glance, above the preview: a headline per drug in large type (the drug being
entered first), the units per code, problems that block the claim apart from notices, and the
copy buttons. Every text comes from :mod:`jcalc.core.glance`; this panel only lays it out."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jcalc.core.glance import DrugGlance, Problem, problems_once

BLOCKING_COLOR = "#b71c1c"
BLOCKING_BACKGROUND = "#fdecea"
NOTICE_COLOR = "#6b5000"


@dataclass(frozen=True)
class GlanceRow:
    """One drug: ``entering`` marks the drug being entered (not yet added to the visit)."""

    glance: DrugGlance
    entering: bool = False


def _problem_html(problem: Problem) -> str:
    if problem.blocking:
        return (
            f'<div style="color:{BLOCKING_COLOR}; background-color:{BLOCKING_BACKGROUND}; '
            f'font-weight:bold">Blocks the claim: {html.escape(problem.text)}</div>'
        )
    return f'<div style="color:{NOTICE_COLOR}">Note: {html.escape(problem.text)}</div>'


class GlancePanel(QFrame):
    """Headlines, totals per code and problems of the visit.

    Signals:
        copyLinesRequested(): copy the claim lines as tab-separated text.
        copyShadedRequested(): copy the shaded-line text alone.
    """

    copyLinesRequested = Signal()  # noqa: N815
    copyShadedRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("glancePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.headlines = QLabel(self)
        self.headlines.setObjectName("glanceHeadlines")
        self.headlines.setWordWrap(True)
        self.headlines.setTextFormat(Qt.TextFormat.RichText)
        self.headlines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.headlines.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.headlines.setFont(font)
        self.totals = QLabel(self)
        self.totals.setObjectName("glanceTotals")
        self.totals.setWordWrap(True)
        self.problems = QLabel(self)
        self.problems.setObjectName("glanceProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.copy_lines_button = QPushButton("Cop&y claim lines", self)
        self.copy_lines_button.setObjectName("copyLinesButton")
        self.copy_lines_button.setToolTip(
            "Copy the claim lines as tab-separated text that pastes into a spreadsheet or a "
            "practice-management grid (Ctrl+Shift+C)"
        )
        self.copy_shaded_button = QPushButton("Copy shaded te&xt", self)
        self.copy_shaded_button.setObjectName("copyShadedButton")
        self.copy_shaded_button.setToolTip("Copy the CMS-1500 item 24 shaded-line text alone")
        for button in (self.copy_lines_button, self.copy_shaded_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_lines_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons.addWidget(self.copy_shaded_button, 0, Qt.AlignmentFlag.AlignTop)
        self._buttons = buttons
        # The totals beside the buttons, or above them when the panel is too narrow for the
        # totals on one line (else they wrap a word a line): see _arrange_totals.
        self._totals_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._totals_row.addWidget(self.totals, 1)
        self._totals_row.addLayout(buttons)
        layout = QVBoxLayout(self)
        self._layout = layout
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        layout.addWidget(self.headlines)
        layout.addWidget(self.problems)
        layout.addLayout(self._totals_row)
        self.copy_lines_button.clicked.connect(self._on_copy_lines_button_clicked)
        self.copy_shaded_button.clicked.connect(self._on_copy_shaded_button_clicked)
        self.show_visit([], "", ())

    def show_visit(
        self, rows: Sequence[GlanceRow], totals: str, visit_problems: Sequence[Problem]
    ) -> None:
        """Show the drugs (the one being entered first), the totals and the problems."""
        ordered = sorted(rows, key=lambda row: not row.entering)
        if not ordered:
            self.headlines.setText("<i>No claim lines yet: pick a code and type the dose.</i>")
        else:
            parts = []
            for row in ordered:
                mark = "Entering: " if row.entering else ""
                blocked = f' style="color:{BLOCKING_COLOR}"' if row.glance.blocking else ""
                parts.append(f"<div{blocked}><b>{mark}{html.escape(row.glance.headline)}</b></div>")
            self.headlines.setText("".join(parts))
        self.totals.setText(f"Units per code: {totals}" if totals else "")
        self._arrange_totals()
        problems = problems_once(
            [p for row in ordered for p in row.glance.problems] + list(visit_problems)
        )
        self.problems.setText("".join(_problem_html(p) for p in problems))
        self.problems.setVisible(bool(problems))
        has_lines = bool(ordered)
        self.copy_lines_button.setEnabled(has_lines)
        self.copy_shaded_button.setEnabled(has_lines)

    def _arrange_totals(self) -> None:
        margins = self._layout.contentsMargins()
        spacing = max(self._totals_row.spacing(), 6)
        room = (
            self.contentsRect().width()
            - margins.left()
            - margins.right()
            - self._buttons.sizeHint().width()
            - spacing
        )
        wide = self.totals.fontMetrics().horizontalAdvance(self.totals.text()) <= room
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._totals_row.direction() != direction:
            self._totals_row.setDirection(direction)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """A new width may put the totals beside the copy buttons or above them."""
        super().resizeEvent(event)
        self._arrange_totals()

    @property
    def blocking_count(self) -> int:
        """How many shown problems block the claim."""
        return self.problems.text().count("Blocks the claim")

    @Slot()
    def _on_copy_lines_button_clicked(self) -> None:
        self.copyLinesRequested.emit()

    @Slot()
    def _on_copy_shaded_button_clicked(self) -> None:
        self.copyShadedRequested.emit()
