"""The app never opens a network connection: the core, the window and the self-test.

Each is run in its own Python process with a ``sitecustomize`` that installs an audit hook: any
connect or send to an internet (AF_INET/AF_INET6) address, and any host name lookup, ends the
process at once with exit code 86 before the call happens and records what was tried. At exit
the hook also records whether Qt's network module was loaded. Two controls show the guard bites.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jcalc.paths import bundled_catalog_path

GUARD_EXIT = 86
SITECUSTOMIZE = textwrap.dedent(
    """
    import atexit, os, socket, sys

    _LOG = os.environ["JCALC_NET_GUARD_LOG"]
    _INTERNET = (socket.AF_INET, socket.AF_INET6)

    def _record(text):
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(text + "\\n")

    def _blocked(what):
        _record("blocked: " + what)
        os._exit(86)

    def _hook(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            if getattr(args[0], "family", None) in _INTERNET:
                _blocked(event + " " + repr(args[1] if len(args) > 1 else ""))
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            _blocked(event + " " + repr(args[0] if args else ""))

    sys.addaudithook(_hook)

    @atexit.register
    def _modules():
        loaded = sorted(m for m in sys.modules if m in ("PySide6.QtNetwork", "ssl", "http.client"))
        _record("loaded: " + " ".join(loaded))
    """
)


@pytest.fixture
def guarded(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "guard.log"

    def run(args: list[str], **extra_env: str) -> tuple[subprocess.CompletedProcess[str], str]:
        env = dict(os.environ)
        env.update(
            PYTHONPATH=os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            JCALC_NET_GUARD_LOG=str(log),
            QT_QPA_PLATFORM="offscreen",
            **extra_env,
        )
        log.unlink(missing_ok=True)
        done = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
            check=False,
        )
        return done, log.read_text(encoding="utf-8") if log.exists() else ""

    return run


def test_guard_blocks_a_connection(guarded) -> None:
    done, log = guarded(["-c", "import socket; socket.socket().connect(('127.0.0.1', 9))"])
    assert done.returncode == GUARD_EXIT
    assert "blocked: socket.connect ('127.0.0.1', 9)" in log


def test_guard_blocks_a_name_lookup(guarded) -> None:
    done, log = guarded(["-c", "import socket; socket.getaddrinfo('localhost', 80)"])
    assert done.returncode == GUARD_EXIT
    assert "blocked: socket.getaddrinfo 'localhost'" in log


needs_catalog = pytest.mark.skipif(
    not bundled_catalog_path().exists(), reason="resources/catalog.sqlite is not built"
)


@needs_catalog
@pytest.mark.parametrize(
    ("name", "args", "env"),
    [
        (
            "core: calc",
            ["-m", "jcalc", "calc", "J9312", "450 mg", "--ndc", "50242-0053-06", "--single-dose"],
            {},
        ),
        ("core: search", ["-m", "jcalc", "search", "rituximab"], {}),
        ("core: catalog info", ["-m", "jcalc", "catalog", "info"], {}),
        ("window", ["-m", "jcalc"], {"JCALC_QUIT_AFTER_SHOW": "1"}),
        ("start-up probe", ["-m", "jcalc", "--startup-probe"], {}),
        ("self-test", ["-m", "jcalc", "--self-test"], {}),
    ],
)
def test_no_network(guarded, name: str, args: list[str], env: dict[str, str]) -> None:
    done, log = guarded(args, **env)
    assert "blocked" not in log, f"{name} tried the network: {log}"
    assert done.returncode == 0, f"{name}: {done.stdout}\n{done.stderr}"
    assert "loaded: \n" in log, f"{name} loaded a network module: {log}"
