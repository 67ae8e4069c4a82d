"""The real program on a real X desktop: Xvfb, openbox, Qt's xcb platform, xdotool key events.

Run by ``scripts/desktop-test.sh`` (which provides the display and the window manager, and sets
``JCALC_DESKTOP=1``); skipped otherwise. Each test starts ``.venv/bin/jcalc`` as a user does, with
its home and XDG folders in the test's temporary folder, and watches the window through the state
file of :mod:`jcalc.ui.state_dump`. What the offscreen tests cannot see is checked here: where the
keyboard focus really is when a window manager activates the window, and what real Tab and Enter
presses do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.driver import DesktopApp, State, missing_tools, xdotool

if os.environ.get("JCALC_DESKTOP") != "1":
    pytest.skip("real-desktop test: run scripts/desktop-test.sh", allow_module_level=True)
if missing := missing_tools():
    # Asked for but not possible: an error, so that CI cannot pass without running it.
    raise RuntimeError(f"JCALC_DESKTOP=1 but this machine lacks {', '.join(missing)}")

QUERY = "rituximab"
FOCUS_ROUNDS = 3  # the start-up focus is a race with the window manager: one start proves little
LATE_TYPING_S = 4.0
MAX_TABS = 40
LATE_FOCUS_NAME = "jcalc-late-focus"  # tests/desktop/openbox-rc.xml: not focused on appearing


@pytest.fixture
def app(tmp_path: Path) -> Iterator[DesktopApp]:
    desktop = DesktopApp(tmp_path / "home")
    yield desktop
    desktop.stop()


def _type_after_start(home: Path, plan: list[tuple[float, str]]) -> None:
    """Start jcalc; type each text of ``plan`` that many seconds after its window mapped.

    Fails when the search box does not show what was typed so far.
    """
    app = DesktopApp(home)
    try:
        app.start()
        mapped = time.monotonic()
        typed = ""
        for delay, text in plan:
            due = mapped + delay
            app.wait_for(lambda _s, t=due: time.monotonic() >= t, f"{delay} s", delay + 5)
            app.type(text)
            typed += text
            when = f"{text!r} typed {delay:g} s after the window mapped"
            try:
                app.wait_for(lambda s, t=typed: s.get("search") == t, when, 3)
            except AssertionError:
                state = app.wait_complete()
                raise AssertionError(
                    f"keys lost: {when}; search box {state.get('search')!r}, "
                    f"focus on {state.get('focus')!r}"
                ) from None
    finally:
        app.stop()


def _enter_rituximab(app: DesktopApp) -> State:
    """Search rituximab, Enter, dose 450 mg; the state once the preview shows it."""
    app.start()
    app.wait_complete()
    picked = app.search_and_pick(QUERY)
    assert picked["drug"].startswith("J9312"), picked["drug"]
    app.type("450 mg")
    return app.wait_for(
        lambda s: s.get("dose") == "450 mg" and "45 units" in s.get("preview", ""),
        "45 units in the preview",
    )


def test_keys_typed_at_start_reach_the_search_box(tmp_path: Path) -> None:
    """The issue: typed at once or four seconds after the start, the keys were lost (the
    window active, no widget with the focus). Three paths: typed at once and again 4 s later;
    typed first 4 s later; the window activated by the user only after it is complete (as
    under focus-stealing prevention). The first two race the window manager, so they repeat.
    """
    late = DesktopApp(tmp_path / "late", env={"RESOURCE_NAME": LATE_FOCUS_NAME})
    try:
        window = late.start()
        state = late.wait_complete()
        if state["active"]:
            raise RuntimeError(f"the window manager has no {LATE_FOCUS_NAME!r} rule")
        xdotool("windowactivate", "--sync", window)
        # The user sees the window become active, then types. (xdotool returns when the window
        # manager names the window active; the X input focus can follow a few ms later, after
        # the WM_TAKE_FOCUS round trip, and a key sent in between goes to no window at all: 1
        # run in ~10 lost the first letter here, in any X program, before Qt saw the focus.)
        late.wait_for(lambda s: s.get("active") and s.get("focus") == "searchBox", "activation", 5)
        late.type(QUERY)
        late.wait_for(lambda s: s.get("search") == QUERY, "keys typed after a late activation", 3)
    finally:
        late.stop()
    for attempt in range(FOCUS_ROUNDS):
        _type_after_start(tmp_path / f"home-{attempt}-a", [(0.0, "ritux"), (LATE_TYPING_S, "imab")])
        _type_after_start(tmp_path / f"home-{attempt}-b", [(LATE_TYPING_S, QUERY)])


def test_search_enter_and_dose_show_the_units_in_the_preview(app: DesktopApp) -> None:
    """Search → Enter picks the top row and goes to the dose; 450 mg of J9312 (10 mg): 45 units."""
    state = _enter_rituximab(app)
    assert state["focus"] == "doseEdit"
    assert "J9312" in state["preview"]
    assert "45 units" in state["preview"]
    # The per-user folders came from the temporary HOME/XDG_* (the real ones were never touched).
    assert (app.home / ".local" / "share" / "jcalc" / "clinic.sqlite").is_file()


def test_a_tab_walk_from_the_dose_reaches_the_form_and_changes_no_pick(app: DesktopApp) -> None:
    """Tab from the dose round the window: date, container and NDC are reached, nothing is picked.

    The issue: the first Tab into the NDC table picked the 100 mg vial and put it on the claim,
    every further Tab picked another row; date, container and NDC field were out of reach.
    """
    before = _enter_rituximab(app)
    before = app.settle()
    walk: list[str] = []
    for _ in range(MAX_TABS):
        app.key("Tab")
        state = app.settle()
        walk.append(state["focus"])
        for key in ("ndc", "drug", "dose"):
            assert state.get(key) == before.get(key), (
                f"Tab to {state['focus']} changed the {key}: {before.get(key)!r} → "
                f"{state.get(key)!r} (walk: {' → '.join(walk)})"
            )
        if state["focus"] == "doseEdit":
            break
    print("Tab walk from the dose:", " → ".join(walk))
    assert walk[-1] == "doseEdit", f"Tab never came back to the dose: {walk}"
    assert {"dateEdit", "containerCombo", "ndcEdit"} <= set(walk), walk


def test_the_next_drug_starts_with_an_empty_dose(app: DesktopApp) -> None:
    """Picking naloxone after entering 450 mg of rituximab: no 450 mg for naloxone.

    The rituximab entry must not vanish either: it is in the visit, or the biller was asked
    (a question is answered with its default button here).
    """
    _enter_rituximab(app)
    app.click("searchBox")
    app.key("ctrl+a", "BackSpace")
    app.type("naloxone")
    app.wait_for(
        lambda s: s.get("search") == "naloxone" and s.get("results_rows", 0) > 0,
        "results for naloxone",
    )
    app.key("Return")
    state = app.settle()
    asked = bool(state.get("modal"))
    if asked:
        app.key("Return")
        state = app.settle()
    assert "naloxone" in state["drug"].lower(), state["drug"]
    assert state["dose"] == "", f"the dose carried over: {state['dose']!r}"
    assert asked or state["visit_rows"] == 1, "the rituximab entry was dropped without a word"
