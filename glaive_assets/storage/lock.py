"""One writer per data dir: a run holds an exclusive lock on `<data dir>/.writer.lock` while it writes.

The lock is an flock on that file, so the kernel releases it when its process dies (kill -9 included):
a crashed run never leaves the data dir locked. The file also records the holder (run id, pid, host,
since when), so a second writer fails at once with a message naming the run that holds it.

Within one process the lock is re-entrant for the same run id (the in-process executor takes it once
per run). Other processes of the same run (the multiprocess executor's steps) wait their turn instead
of failing; between two of its steps another run could take the lock, so that executor serializes
steps, not runs.
"""

from __future__ import annotations

import fcntl
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import orjson

from glaive_assets.storage.errors import path_error

LOCK_NAME = ".writer.lock"
_SAME_RUN_POLL_SECONDS = 0.05
_HOLDER_READ_ATTEMPTS = 20  # the holder writes its record right after it takes the lock


class DataDirBusy(RuntimeError):
    """Another run holds the data dir's writer lock."""

    def __init__(self, data_dir: Path, holder: dict | None) -> None:
        self.holder = holder
        who = (f"run {holder.get('run_id')} (pid {holder.get('pid')} on {holder.get('host')}, since "
               f"{holder.get('since')})" if holder else "another process (it has not recorded its run id yet)")
        super().__init__(
            f"the data dir {data_dir} is being written by {who}: this run stops here and writes nothing. "
            "Wait for that run to finish, or use another GLAIVE_DATA_DIR."
        )


@dataclass
class _Held:
    fd: int
    run_id: str
    depth: int


_held: dict[Path, _Held] = {}
_held_guard = threading.Lock()


def read_holder(data_dir: Path) -> dict | None:
    """The holder record in the lock file (the last writer's, if nobody holds the lock now)."""
    try:
        body = (data_dir / LOCK_NAME).read_bytes()
        return orjson.loads(body) if body else None
    except (OSError, orjson.JSONDecodeError):
        return None


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _wait_for_lock(fd: int, data_dir: Path, run_id: str) -> None:
    """Take the lock, waiting while a process of this same run holds it; raise if another run does."""
    while not _try_lock(fd):
        holder = None
        for _ in range(_HOLDER_READ_ATTEMPTS):
            holder = read_holder(data_dir)
            if holder is not None:
                break
            time.sleep(0.01)
        if holder is None or holder.get("run_id") != run_id:
            raise DataDirBusy(data_dir, holder)
        time.sleep(_SAME_RUN_POLL_SECONDS)


def _acquire(data_dir: Path, run_id: str) -> int:
    lock_path = data_dir / LOCK_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise path_error(error, lock_path, "the data dir's writer lock") from None
    try:
        _wait_for_lock(fd, data_dir, run_id)
        record = {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(),
                  "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        os.ftruncate(fd, 0)
        os.pwrite(fd, orjson.dumps(record) + b"\n", 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def data_dir_lock(data_dir: Path, run_id: str) -> Iterator[bool]:
    """Hold the data dir's writer lock for `run_id`. Yields True when this call took it, False when
    this process already held it for the same run. Raises DataDirBusy when another run holds it."""
    key = data_dir.resolve()
    with _held_guard:
        held = _held.get(key)
        if held is not None:
            if held.run_id != run_id:
                raise DataDirBusy(data_dir, read_holder(data_dir))
            held.depth += 1
        else:
            _held[key] = held = _Held(_acquire(data_dir, run_id), run_id, 1)
        first = held.depth == 1
    try:
        yield first
    finally:
        with _held_guard:
            held.depth -= 1
            if held.depth == 0:
                del _held[key]
                os.close(held.fd)  # closing releases the flock
