"""One pipeline at a time per store: an exclusive ``flock`` on ``<db>.lock``.

The lock file sits next to the DuckDB file and is never deleted (deleting a flock file lets
two processes lock two different inodes). The kernel drops the lock when its holder exits,
SIGKILL included, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path
from types import TracebackType

from gvc.errors import LockError

log = logging.getLogger(__name__)


def lock_path(db: str | os.PathLike) -> Path:
    """``<db>.lock``: the lock file of the store ``db``."""
    return Path(str(db) + ".lock")


class StoreLock:
    """Context manager holding the exclusive pipeline lock of a store.

    Parameters
    ----------
    db : the DuckDB store the pipeline writes.
    wait : seconds to wait for another holder to finish; 0 fails at once.

    Raises
    ------
    LockError
        another process holds the lock after ``wait`` seconds (exit code 7).
    """

    def __init__(self, db: str | os.PathLike, wait: float = 0.0, poll: float = 0.2):
        self.path = lock_path(db)
        self.wait = max(0.0, float(wait))
        self.poll = poll
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    waited = f" after waiting {self.wait:g} s" if self.wait else ""
                    raise LockError(
                        f"{self.path}: another gvc pipeline holds this store{holder}{waited}; "
                        "retry later or pass --wait SECONDS"
                    ) from None
                time.sleep(self.poll)
        os.ftruncate(fd, 0)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} since {now}\n".encode(), 0)
        self._fd = fd
        log.debug("%s: locked by pid %d", self.path, os.getpid())

    def release(self) -> None:
        import fcntl

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode(errors="replace").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""
