"""One jcalc window per user at a time: a lock file in the per-user data directory.

The first jcalc takes ``jcalc.lock`` (a :class:`QLockFile`, freed by the system when the process
dies, so a crash leaves no stale lock). A second jcalc of the same user does not get it: it warns
that jcalc is already open and opens **read-only**: searching, calculating, printing and the
History work (the databases use WAL and busy timeouts, so the two processes may both log a printed
summary), but nothing the other window would have to reload can be changed: no catalog update or
restore, no import of clinic data, no change to the clinic's settings, charges, defaults,
favourites or notes. Closing the other window does not lift this; start jcalc again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile

from jcalc.paths import user_data_dir

log = logging.getLogger(__name__)

LOCK_NAME = "jcalc.lock"


@dataclass(frozen=True)
class InstanceLock:
    """The outcome of trying to take the lock: held, or who holds it."""

    path: Path
    lock: QLockFile | None  # held by this process (keep it until exit)
    owner: str = ""  # "pid 1234 on host" when another jcalc holds it

    @property
    def read_only(self) -> bool:
        """True when another jcalc holds the lock: this window must be read-only."""
        return bool(self.owner)

    def release(self) -> None:
        """Give the lock up (at exit)."""
        if self.lock is not None:
            self.lock.unlock()


def acquire_instance_lock(directory: Path | None = None) -> InstanceLock:
    """Take the single-instance lock without waiting.

    A lock that cannot even be created (a read-only folder) counts as taken by this process: jcalc
    then runs as usual and the log says why.
    """
    path = (directory or user_data_dir()) / LOCK_NAME
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    if lock.tryLock(0):
        return InstanceLock(path, lock)
    if lock.error() is not QLockFile.LockError.LockFailedError:
        log.warning("cannot use the instance lock %s (%s); running as usual", path, lock.error())
        return InstanceLock(path, None)
    pid, host, _app = lock.getLockInfo()
    owner = f"process {pid} on {host}" if pid else "another jcalc"
    log.warning("jcalc is already open (%s holds %s): this window is read-only", owner, path)
    return InstanceLock(path, None, owner)
