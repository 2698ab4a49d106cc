"""Functions run side by side, each in a Python process of its own, from inside one step (no Dagster).

Under the in-process executor Dagster runs one step at a time; a step that has work for every core
starts these processes itself:

    python -m glaive_assets.storage.worker_processes <job file> <result file> <parent pid>

A fresh interpreter imports only what the job's function needs (not Dagster, nor the CLI that started
the run, as multiprocessing's spawn would). The job (a module-level function and its argument), the
result and stderr travel as files in a folder the caller names. A job that fails is an error raised in
the parent: the job's own exception when it is of a class the job reports, else WorkerProcessError with
the exit code and the last line of stderr; never a pool left waiting. At most one process a core runs
at once, and on Linux each ends with the step that started it, even a step killed with SIGKILL.
Users: the transform's shards (shard_processes.py), the training plan's pass (training/scan.py) and the
exports' format groups (exports/write.py).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glaive_assets.config.settings import default_shards

# Below about this much JSON lines for each process, a process's start (~0.4 s: a fresh interpreter and
# its imports) costs more than it saves: callers then do the work in their own process.
MIN_BYTES_PER_PROCESS = 8 << 20


def processes_worth(size_bytes: int, processes: int) -> int:
    """How many of `processes` work of `size_bytes` is worth: one per MIN_BYTES_PER_PROCESS at most (1 or
    0: do it in this process)."""
    return min(processes, size_bytes // MIN_BYTES_PER_PROCESS)

_REPORTED_EXIT = 3  # the job raised one of its `reported` errors, pickled beside its result
_PARENT_GONE_EXIT = 4
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_POLL_SECONDS = 0.05


class WorkerProcessError(RuntimeError):
    """A job's process failed: its exit code and the last line it wrote to stderr."""


@dataclass(frozen=True)
class Job:
    name: str  # in errors and file names
    function: Callable[[Any], Any]  # module-level, so it pickles by reference
    argument: Any
    folder: Path  # where the job's files go
    reported: tuple[type[Exception], ...] = ()  # raised again in the parent as they are

    def file(self, kind: str) -> Path:
        return self.folder / f"{self.name}.{kind}"


def _last_line(stderr_file: Path) -> str:
    lines = stderr_file.read_text("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "(nothing on stderr)"


def _start(job: Job, env: dict[str, str] | None) -> subprocess.Popen:
    job.folder.mkdir(parents=True, exist_ok=True)
    job.file("job.pickle").write_bytes(pickle.dumps(job))
    for stale in (job.file("result.pickle"), job.file("error.pickle")):
        stale.unlink(missing_ok=True)
    with open(job.file("stderr.txt"), "wb") as stderr:  # a file, not a pipe: a chatty job never waits on a reader
        command = [sys.executable, "-m", __name__, str(job.file("job.pickle")), str(job.file("result.pickle")),
                   str(os.getpid())]
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                env={**os.environ, **(env or {})})


def _check(job: Job, process: subprocess.Popen) -> None:
    if process.returncode == _REPORTED_EXIT and job.file("error.pickle").exists():
        raise pickle.loads(job.file("error.pickle").read_bytes())
    if process.returncode != 0:
        raise WorkerProcessError(f"{job.name}'s process exited with code {process.returncode}: "
                                 f"{_last_line(job.file('stderr.txt'))}")


def run_in_processes(jobs: list[Job], max_running: int | None = None,
                     on_finished: Callable[[Job, Any], None] = lambda job, result: None,
                     env: dict[str, str] | None = None, check: Callable[[], None] = lambda: None) -> list[Any]:
    """Run the jobs side by side, each in its own process (with `env` added to this one's), at most
    `max_running` at once (default: the CPU cores this process may use), calling `on_finished` with each
    job and its result as it ends, and `check` between polls; the results in job order. The first job to
    fail raises, as does `check` when it raises, and the other jobs' processes are then stopped."""
    limit = max(1, max_running or default_shards())
    waiting, running, results = list(range(len(jobs))), [], {}
    try:
        while waiting or running:
            while waiting and len(running) < limit:
                number = waiting.pop(0)
                running.append((number, _start(jobs[number], env)))
            finished = [(number, process) for number, process in running if process.poll() is not None]
            for number, process in finished:
                _check(jobs[number], process)
                running.remove((number, process))
                results[number] = pickle.loads(jobs[number].file("result.pickle").read_bytes())
                on_finished(jobs[number], results[number])
            if not finished:
                check()
                time.sleep(_POLL_SECONDS)
        return [results[number] for number in range(len(jobs))]
    finally:
        for _, process in running:
            if process.poll() is None:
                process.kill()
                process.wait()


def _stop_with_parent(parent_pid: int) -> None:
    """On Linux, have the kernel end this process when the step that started it dies (even by SIGKILL)."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # it died before the request took hold
        sys.exit(_PARENT_GONE_EXIT)


def _write_whole(path: Path, value: Any) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(partial, path)  # whole or absent


def main(argv: list[str]) -> int:
    job_file, result_file, parent_pid = Path(argv[0]), Path(argv[1]), int(argv[2])
    _stop_with_parent(parent_pid)
    job: Job = pickle.loads(job_file.read_bytes())
    try:
        result = job.function(job.argument)
    except job.reported as error:
        print(error, file=sys.stderr)
        _write_whole(job.file("error.pickle"), error)
        return _REPORTED_EXIT
    _write_whole(result_file, result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
