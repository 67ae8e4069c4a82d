"""Drives the real ``jcalc`` program on a real X display with real key events (xdotool).

:class:`DesktopApp` starts ``.venv/bin/jcalc`` the way a user does, on Qt's ``xcb`` platform, with
``HOME`` and every ``XDG_*`` folder in a temporary directory (never the real user data), and reads
the window's state from the JSON file that :mod:`jcalc.ui.state_dump` writes while
``JCALC_TEST_STATE_FILE`` is set. Waits poll that file with a deadline; no fixed pauses. Used by
``tests/desktop/test_real_desktop.py`` and ``tests/desktop/screenshots.py``; needs ``DISPLAY``
with a window manager (``scripts/desktop-test.sh`` provides Xvfb and openbox).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STATE_ENV = "JCALC_TEST_STATE_FILE"
POLL_S = 0.02  # how often a wait re-reads the state file
TOOLS = ("xdotool", "import")
# Variables of the test process that must not reach the program a user starts.
DROPPED_ENV = (
    "JCALC_DATA_DIR",
    "JCALC_CONFIG_DIR",
    "JCALC_QUIT_AFTER_SHOW",
    "QT_QPA_PLATFORM",
    "PYTEST_CURRENT_TEST",
)

State = dict[str, Any]


def jcalc_command() -> Path:
    """The installed ``jcalc`` entry point (the project's .venv, else beside this Python)."""
    venv = ROOT / ".venv" / "bin" / "jcalc"
    return venv if venv.exists() else Path(sys.executable).parent / "jcalc"


def missing_tools() -> list[str]:
    """What the desktop run needs and this machine lacks (a display, xdotool, ImageMagick)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not os.environ.get("DISPLAY"):
        missing.append("DISPLAY")
    if not jcalc_command().exists():
        missing.append(str(jcalc_command()))
    return missing


def xdotool(*args: str, timeout: float = 20) -> str:
    """Run ``xdotool`` with ``args``; its output."""
    done = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout.strip()


class DesktopApp:
    """One ``jcalc`` window started on the display, with a fresh home folder in ``home``."""

    def __init__(self, home: Path, *, env: dict[str, str] | None = None) -> None:
        self.home = home
        self.state_file = home / "jcalc-state.json"
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.window_id = ""
        self.log = home / "jcalc-stderr.log"

    def environment(self) -> dict[str, str]:
        """The program's environment: the display, a temporary home, the state file."""
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        runtime = self.home / "run"
        for folder in (self.home, runtime):
            folder.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local" / "share"),
            XDG_STATE_HOME=str(self.home / ".local" / "state"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_RUNTIME_DIR=str(runtime),
            QT_QPA_PLATFORM="xcb",
        )
        env[STATE_ENV] = str(self.state_file)
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 30) -> str:
        """Start jcalc and wait until its window is on screen; the X window id."""
        env = self.environment()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([str(jcalc_command())], env=env, stdout=log, stderr=log)
        # Polled rather than `search --sync`: xdotool exits 1 when a window it lists vanishes
        # during the search (a tooltip, the first frame's transient), which is not a failure.
        deadline = time.monotonic() + timeout
        search = ["xdotool", "search", "--onlyvisible", "--pid", str(self.process.pid)]
        while True:
            found = subprocess.run(search, capture_output=True, text=True, timeout=timeout)
            if found.returncode == 0 and found.stdout.strip():
                self.window_id = found.stdout.split()[0]
                return self.window_id
            if self.process.poll() is not None or time.monotonic() > deadline:
                reason = (
                    f"jcalc exited with {self.process.returncode}"
                    if self.process.poll() is not None
                    else f"no visible window after {timeout:.0f} s"
                )
                log_text = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"{reason}; xdotool: {found.stderr.strip()}; log: {log_text}")
            time.sleep(0.05)

    def stop(self) -> None:
        """End the program (it owns nothing outside ``home``)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def state(self) -> State:
        """The last state the window wrote ({} before the first)."""
        try:
            return dict(json.loads(self.state_file.read_text(encoding="utf-8"))["state"])
        except (FileNotFoundError, ValueError, KeyError):
            return {}

    def wait_for(self, condition: Callable[[State], bool], what: str, timeout: float = 15) -> State:
        """Poll the state until ``condition`` holds; the state. Fails naming ``what``."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state()
            if state and condition(state):
                return state
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"jcalc exited ({self.process.returncode}) waiting for {what}")
            if time.monotonic() > deadline:
                shown = {k: v for k, v in state.items() if k not in ("rects", "preview")}
                raise AssertionError(f"timed out after {timeout} s waiting for {what}: {shown}")
            time.sleep(POLL_S)

    def wait_complete(self) -> State:
        """Wait until the full window (not only its frame) is built."""
        return self.wait_for(lambda s: bool(s.get("complete")), "the complete window", 30)

    def settle(self, quiet: float = 0.3, timeout: float = 5) -> State:
        """Wait until the state has not changed for ``quiet`` seconds (debounced work done)."""
        deadline = time.monotonic() + timeout
        last = self.state_file.read_bytes() if self.state_file.exists() else b""
        changed = time.monotonic()
        while time.monotonic() - changed < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"the window kept changing for {timeout} s")
            time.sleep(POLL_S)
            current = self.state_file.read_bytes() if self.state_file.exists() else b""
            if current != last:
                last, changed = current, time.monotonic()
        return self.state()

    def type(self, text: str) -> None:
        """Type ``text`` with real key events into whatever has the keyboard focus."""
        xdotool("type", "--delay", "30", "--", text)

    def key(self, *keys: str) -> None:
        """Press keys (xdotool names: Return, Tab, ctrl+a, …) into the focused window."""
        xdotool("key", "--delay", "30", *keys)

    def click(self, name: str) -> None:
        """Click the middle of the widget with object name ``name``."""
        state = self.wait_for(lambda s: name in s.get("rects", {}), f"{name} on screen")
        x, y, width, height = state["rects"][name]
        xdotool("mousemove", str(x + width // 2), str(y + height // 2), "click", "1")

    def search_and_pick(self, query: str) -> State:
        """Click the search box, replace its text by ``query``, wait for results, press Enter."""
        self.click("searchBox")
        self.key("ctrl+a", "BackSpace")
        self.type(query)
        self.wait_for(
            lambda s: s.get("search") == query and s.get("results_rows", 0) > 0,
            f"search results for {query!r}",
        )
        self.key("Return")
        return self.wait_for(
            lambda s: s.get("focus") == "doseEdit", f"the dose field after {query!r}"
        )


def screenshot(path: Path, *, window: str = "root") -> None:
    """Save the screen (or one X window) as a PNG with ImageMagick's ``import``."""
    subprocess.run(["import", "-window", window, str(path)], check=True, timeout=30)
