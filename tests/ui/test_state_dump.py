"""jcalc.ui.state_dump (test-only): off unless asked for, then the file follows the window."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from jcalc.ui import MainWindow, state_dump


def read(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["state"])
    except (FileNotFoundError, ValueError):
        return {}


def test_nothing_runs_without_the_variable(
    fake_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(state_dump.STATE_FILE_ENV, raising=False)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert state_dump.install(app) is None


def test_the_file_follows_focus_and_typing(
    qtbot, fake_window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "state.json"
    monkeypatch.setenv(state_dump.STATE_FILE_ENV, str(target))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    writer = state_dump.install(app)
    assert writer is not None
    try:
        fake_window.search_box.setFocus()
        qtbot.keyClicks(fake_window.search_box, "J9")
        qtbot.waitUntil(lambda: read(target).get("search") == "J9")
        state = read(target)
        assert state["focus"] == "searchBox"
        assert state["complete"] is True
        assert state["dose"] == ""
        assert state["modal"] == ""
        assert set(state["rects"]) >= {"searchBox", "doseEdit"}
        assert all(width > 0 and height > 0 for _x, _y, width, height in state["rects"].values())
        fake_window.dose_panel.dose_edit.setFocus()
        qtbot.waitUntil(lambda: read(target).get("focus") == "doseEdit")
    finally:
        writer.deleteLater()
    assert not target.with_name("state.json.tmp").exists()
