"""The window's actions and menus, and the keyboard shortcuts list shown under Help.

Every Alt letter of the window is unique: the menus take F, G and H, so no button or label of
the window uses them (tests/ui/test_keyboard_focus.py collects them all).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

# (keys, what they do): the README's "Keyboard shortcuts" and Help → Keyboard shortcuts.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+F", "go to the search field (type a code, drug, brand or NDC)"),
    ("Up / Down, Page Up / Page Down", "move through the results while typing"),
    ("Enter", "pick the highlighted result; the dose field gets the focus"),
    ("Escape", "clear the search field"),
    ("Ctrl+D", "go to the dose field"),
    ("Ctrl+Enter", "add the drug being entered to the visit"),
    ("Delete", "remove the selected entry of the visit (in the visit table)"),
    ("Ctrl+Shift+C", "copy the claim lines as tab-separated text (for a spreadsheet)"),
    ("Ctrl+N", "new visit (asks first when the visit was not printed or saved)"),
    ("Ctrl+Shift+P / Ctrl+P / Ctrl+S", "print preview / print / save as PDF"),
    ("Ctrl+H", "the History of printed summaries"),
    ("Ctrl+,", "the clinic's settings"),
    ("Tab / Shift+Tab", "next / previous field in reading order; a table is one stop"),
    ("Alt + underlined letter", "go to that field or press that button; Alt+F, Alt+G, Alt+H "
     "open the menus"),
    ("Ctrl+Q", "quit"),
)  # fmt: skip


def shortcuts_html() -> str:
    """The shortcuts as an HTML table (the Help → Keyboard shortcuts box)."""
    rows = "".join(f"<tr><td><b>{keys}</b></td><td>{what}</td></tr>" for keys, what in SHORTCUTS)
    return f"<table cellspacing='4'>{rows}</table>"


@dataclass(frozen=True)
class WindowActions:
    """The actions of the window's menus (also triggered by their shortcuts)."""

    new_visit: QAction
    print_preview: QAction
    print: QAction
    pdf: QAction
    copy_lines: QAction
    copy_shaded: QAction
    history: QAction
    update: QAction
    restore_previous: QAction
    export_clinic: QAction
    import_clinic: QAction
    settings: QAction
    quit: QAction
    find: QAction
    focus_dose: QAction
    add: QAction
    remove: QAction
    shortcuts: QAction
    about: QAction


def _action(
    window: QMainWindow,
    text: str,
    name: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    return action


def build_actions(window: QMainWindow) -> WindowActions:
    """Create the actions and put the File, Go and Help menus in ``window``'s menu bar."""
    keys = QKeySequence.StandardKey
    window.menuBar().clear()  # the frame's placeholder menus
    actions = WindowActions(
        new_visit=_action(window, "&New visit", "newVisitAction", keys.New),
        print_preview=_action(window, "Print pre&view…", "printPreviewAction", "Ctrl+Shift+P"),
        print=_action(window, "&Print…", "printAction", keys.Print),
        pdf=_action(window, "Save as P&DF…", "pdfAction", keys.Save),
        copy_lines=_action(window, "Cop&y claim lines", "copyLinesAction", "Ctrl+Shift+C"),
        copy_shaded=_action(window, "Copy shaded &text", "copyShadedAction"),
        history=_action(window, "&History…", "historyAction", "Ctrl+H"),
        update=_action(window, "&Update catalog…", "updateCatalogAction"),
        restore_previous=_action(window, "&Restore previous catalog…", "restorePreviousAction"),
        export_clinic=_action(window, "&Export clinic data…", "exportClinicAction"),
        import_clinic=_action(window, "&Import clinic data…", "importClinicAction"),
        settings=_action(window, "&Settings…", "settingsAction", "Ctrl+,"),
        quit=_action(window, "&Quit", "quitAction", keys.Quit),
        find=_action(window, "&Find code or drug", "findAction", keys.Find),
        focus_dose=_action(window, "Go to &dose", "focusDoseAction", "Ctrl+D"),
        add=_action(window, "&Add to visit", "addAction", "Ctrl+Return"),
        remove=_action(window, "&Remove from visit", "removeAction"),
        shortcuts=_action(window, "&Keyboard shortcuts", "shortcutsAction"),
        about=_action(window, "&About jcalc", "aboutAction"),
    )
    file_menu = window.menuBar().addMenu("&File")
    file_menu.setObjectName("fileMenu")
    for item in (
        actions.new_visit, None, actions.print_preview, actions.print, actions.pdf,
        actions.copy_lines, actions.copy_shaded, actions.history, None, actions.update,
        actions.restore_previous, None, actions.export_clinic, actions.import_clinic,
        actions.settings, None, actions.quit,
    ):  # fmt: skip
        if item is None:
            file_menu.addSeparator()
        else:
            file_menu.addAction(item)
    go_menu = window.menuBar().addMenu("&Go")
    go_menu.setObjectName("goMenu")
    for item in (actions.find, actions.focus_dose, actions.add, actions.remove):
        go_menu.addAction(item)
    help_menu = window.menuBar().addMenu("&Help")
    help_menu.setObjectName("helpMenu")
    help_menu.addAction(actions.shortcuts)
    help_menu.addAction(actions.about)
    return actions
