"""Screenshots of the real program on the desktop that ``scripts/screenshots.sh`` starts.

    python -m tests.desktop.screenshots --out docs --name 1366 [--scale 1.5]

Drives ``jcalc`` (started as a user does, see :mod:`tests.desktop.driver`) with real key events
and saves the whole screen (``import -window root``) three times:

* ``desktop-NAME-search.png``: the results for "rituximab";
* ``desktop-NAME-dose.png``: J9312 picked, 450 mg from the 500 mg Rituxan vial (NDC
  50242-0053-06, single-dose), with the preview;
* ``desktop-NAME-visit.png``: a visit of two drugs (that entry and 0.4 mg of naloxone).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.desktop.driver import DesktopApp, screenshot

NDC = "50242-0053-06"


def take(out: Path, name: str, scale: float) -> list[Path]:
    """Take the three screenshots; their paths."""
    env = {"QT_SCALE_FACTOR": f"{scale:g}"} if scale != 1 else {}
    shots: list[Path] = []

    def shoot(what: str) -> None:
        app.settle(quiet=0.6)
        path = out / f"desktop-{name}-{what}.png"
        screenshot(path)
        shots.append(path)

    with tempfile.TemporaryDirectory(prefix="jcalc-shots-") as home:
        app = DesktopApp(Path(home), env=env)
        try:
            app.start()
            app.wait_complete()
            app.click("searchBox")
            app.type("rituximab")
            app.wait_for(lambda s: s.get("results_rows", 0) > 0, "results for rituximab")
            shoot("search")

            app.key("Return")
            app.wait_for(lambda s: s.get("focus") == "doseEdit", "the dose field")
            app.type("450 mg")
            app.click("ndcEdit")
            app.type(NDC)
            app.click("containerCombo")  # opens its list: Unknown, Single-dose, Multi-dose
            app.key("Down", "Return")
            app.wait_for(lambda s: "JW" in s.get("preview", ""), "the JW line in the preview")
            shoot("dose")

            app.click("addToEncounterButton")
            app.wait_for(lambda s: s.get("visit_rows") == 1, "rituximab in the visit")
            app.search_and_pick("naloxone")
            app.type("0.4 mg")
            app.wait_for(lambda s: "J2312" in s.get("preview", ""), "naloxone in the preview")
            app.click("addToEncounterButton")
            app.wait_for(lambda s: s.get("visit_rows") == 2, "two drugs in the visit")
            shoot("visit")
        finally:
            app.stop()
    return shots


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--name", required=True, help="part of the file names, e.g. 1366")
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR, e.g. 1.5")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in take(args.out, args.name, args.scale):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
