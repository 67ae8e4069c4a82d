"""The Qt bindings must keep Python's reference counts straight.

PySide6-Essentials 6.12.0 on CPython 3.11 drops a reference to ``None`` on nearly every call that
returns nothing, and the interpreter aborts after a few hundred such calls; pyproject.toml keeps
PySide6 below 6.12 for that reason. This test fails if an upgrade brings such a leak back.
"""

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
app = QCoreApplication([])
timer = QTimer()
before = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
for _ in range(2000):
    QCoreApplication.processEvents()
    timer.setInterval(5)
    timer.isActive()
after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
print([a - b for a, b in zip(after, before)])
"""


def test_qt_calls_do_not_leak_or_drop_references_to_singletons() -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    deltas = [int(x) for x in run.stdout.strip().strip("[]").split(",")]
    assert all(abs(d) < 50 for d in deltas), deltas
