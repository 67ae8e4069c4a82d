"""Start-up budget: ``jcalc --startup-probe`` against a bare PySide6 window, side by side.

Both are measured the same way (process creation time from the OS to the first painted frame of
the window, by the code of ``jcalc/startup_probe.py``), alternating runs so both see the same
machine state. Budget: jcalc's median at most 1.5× the bare script's median.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/startup.py [--runs 7] [--frozen]

``--frozen`` also measures ``dist/jcalc/jcalc`` (build it first with installer/build.py). The last
line reads ``startup jcalc_ms=… bare_ms=… ratio=… budget=1.5 ok|OVER``; exit 1 when over budget.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 1.5
PROBE = ROOT / "jcalc" / "startup_probe.py"
RESULT_RE = re.compile(r"startup_ms=([0-9.]+)")

# Loads startup_probe.py by path (not through the jcalc package) and shows an empty QWidget.
BARE_SCRIPT = """\
import importlib.util, sys
spec = importlib.util.spec_from_file_location("startup_probe", sys.argv[1])
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
window = QWidget()
window.setWindowTitle("bare")
window.resize(1100, 720)
found = []
watcher = probe.watch_first_frame(
    window,
    lambda ms, src: found.append(probe.format_result(ms, src, "first frame of an empty QWidget")),
)
window.show()
app.exec()
print(found[0] if found else "no frame")
"""


def measure(command: list[str], env: dict[str, str]) -> float:
    """One run's start-up milliseconds."""
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    match = RESULT_RE.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise SystemExit(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return float(match.group(1))


def jcalc_command() -> list[str]:
    """The installed ``jcalc`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("jcalc.exe" if os.name == "nt" else "jcalc")
    if script.exists():
        return [str(script), "--startup-probe"]
    return [sys.executable, "-m", "jcalc", "--startup-probe"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--frozen", action="store_true", help="also time dist/jcalc/jcalc")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="jcalc-startup-") as tmp:
        env["JCALC_DATA_DIR"] = str(Path(tmp) / "data")
        env["JCALC_CONFIG_DIR"] = str(Path(tmp) / "config")
        bare_file = Path(tmp) / "bare_window.py"
        bare_file.write_text(BARE_SCRIPT, encoding="utf-8")
        commands = {
            "jcalc": jcalc_command(),
            "bare": [sys.executable, str(bare_file), str(PROBE)],
        }
        frozen = ROOT / "dist" / "jcalc" / ("jcalc.exe" if os.name == "nt" else "jcalc")
        if args.frozen:
            if not frozen.exists():
                raise SystemExit(f"{frozen} is missing: run installer/build.py first")
            commands["frozen"] = [str(frozen), "--startup-probe"]
        for command in commands.values():  # warm the file cache; not counted
            measure(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(measure(command, env))

    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        shown = " ".join(f"{v:.0f}" for v in values)
        print(f"{name:7s} median {medians[name]:7.1f} ms  min {min(values):7.1f}  runs: {shown}")
    ratio = medians["jcalc"] / medians["bare"]
    verdict = "ok" if ratio <= BUDGET else "OVER"
    extra = ""
    if "frozen" in medians:
        frozen_ratio = medians["frozen"] / medians["bare"]
        extra = f" frozen_ms={medians['frozen']:.1f} frozen_ratio={frozen_ratio:.2f}"
    print(
        f"startup jcalc_ms={medians['jcalc']:.1f} bare_ms={medians['bare']:.1f} "
        f"ratio={ratio:.2f} budget={BUDGET}{extra} {verdict}"
    )
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
