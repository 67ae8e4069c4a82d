"""The clinic data modules never import Qt (they run in the CLI and in worker threads)."""

import subprocess
import sys


def test_userdata_and_update_import_without_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, jcalc.userdata\n"
        "for m in pkgutil.walk_packages(jcalc.userdata.__path__, 'jcalc.userdata.'):\n"
        "    importlib.import_module(m.name)\n"
        "import jcalc.catalog.update, jcalc.catalog.library, jcalc.catalog.diff\n"
        "import jcalc.commands.clinic, jcalc.commands.history, jcalc.commands.catalog\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'jcalc.ui'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
