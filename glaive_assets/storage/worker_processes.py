"""Functions run side by side in Python processes of their own, from inside one step (no Dagster).

Under the in-process executor Dagster runs one step at a time; a step that has work for every core
starts these processes itself, as many as it asks (by default one a core):

    python -m glaive_assets.storage.worker_processes <parent pid> <folder of the first job>

Each process serves jobs one after another: it reads a job file's path on stdin, runs the job, writes its
result file and says so on stdout; the parent hands the next waiting job to whichever process is free. So
a caller can cut its work into more jobs than cores, and a core that runs slower (a shared vCPU) or meets
harder rows simply takes fewer of them, while the processes' start (~0.3 s: a fresh interpreter and its
imports, not Dagster nor the CLI that started the run, as multiprocessing's spawn would) is paid once a
core. The job (a module-level function and its argument), its result and its stderr travel as files in a
folder the caller names. A job that fails is an error raised in the parent: the job's own exception when
it is of a class the job reports, else WorkerProcessError with the exit code and the last line of the
job's stderr; never a pool left waiting. On Linux each process ends with the step that started it, even a
step killed with SIGKILL. Users: the transform's shards (shard_processes.py), the training plan's pass
(training/scan.py) and the exports' format groups (exports/write.py).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import selectors
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from glaive_assets.config.settings import default_shards

# Below about this much JSON lines for each process, a process's start (~0.3 s: a fresh interpreter and
# its imports) costs more than it saves: callers then do the work in their own process.
MIN_BYTES_PER_PROCESS = 8 << 20
# Callers cut their work into this many jobs a process. The processes take them as they free up, so a
# core that runs slower does fewer; and the last job to end, whose output waits on it, is small.
JOBS_PER_PROCESS = 4
_REPORTED_EXIT = 3  # the job raised one of its `reported` errors, pickled beside its result
_PARENT_GONE_EXIT = 4
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_POLL_SECONDS = 0.05


def processes_worth(size_bytes: int, processes: int) -> int:
    """How many of `processes` work of `size_bytes` is worth: one per MIN_BYTES_PER_PROCESS at most (1 or
    0: do it in this process)."""
    return min(processes, size_bytes // MIN_BYTES_PER_PROCESS)


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
    lines = stderr_file.read_text("utf-8", "replace").strip().splitlines() if stderr_file.exists() else []
    return lines[-1] if lines else "(nothing on stderr)"


class _Worker:
    """One process serving jobs, and the job it runs now (None: free)."""

    def __init__(self, first: Job, env: dict[str, str] | None) -> None:
        first.folder.mkdir(parents=True, exist_ok=True)
        with open(first.file("stderr.txt"), "wb") as stderr:  # until its first job names its own
            command = [sys.executable, "-m", __name__, str(os.getpid()), str(first.folder)]
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                            env={**os.environ, **(env or {})})
        self.running: tuple[int, Job] | None = None
        self.jobs_done = 0

    def start(self, number: int, job: Job) -> bool:
        """Hand it the job; False when it ended after its last job, so the job goes to another."""
        job.folder.mkdir(parents=True, exist_ok=True)
        job.file("job.pickle").write_bytes(pickle.dumps(job))
        for stale in (job.file("result.pickle"), job.file("error.pickle")):
            stale.unlink(missing_ok=True)
        try:
            self.process.stdin.write(orjson.dumps([str(job.file("job.pickle")), str(job.file("stderr.txt"))]) + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            if self.jobs_done:
                return False
            # It never ran a job (a broken start): the job's failure, which finished() reports.
        self.running = number, job
        return True

    def finished(self) -> tuple[int, Job, Any]:
        """The job it reported done, and its result; raises when the process ended instead."""
        number, job = self.running
        if not self.process.stdout.readline():
            self.process.wait()
            _check(job, self.process)
            raise WorkerProcessError(f"{job.name}'s process ended before its job did, with code 0")
        self.running = None
        self.jobs_done += 1
        return number, job, pickle.loads(job.file("result.pickle").read_bytes())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except BrokenPipeError:
                pass


def _check(job: Job, process: subprocess.Popen) -> None:
    if process.returncode == _REPORTED_EXIT and job.file("error.pickle").exists():
        raise pickle.loads(job.file("error.pickle").read_bytes())
    if process.returncode != 0:
        raise WorkerProcessError(f"{job.name}'s process exited with code {process.returncode}: "
                                 f"{_last_line(job.file('stderr.txt'))}")


def run_in_processes(jobs: list[Job], max_running: int | None = None,
                     on_finished: Callable[[Job, Any], None] = lambda job, result: None,
                     env: dict[str, str] | None = None, check: Callable[[], None] = lambda: None) -> list[Any]:
    """Run the jobs in at most `max_running` processes side by side (default: the CPU cores this process
    may use; `env` added to this one's), each process taking the next job in list order as it finishes
    one; call `on_finished` with each job and its result as it ends, and `check` between polls. Returns
    the results in job order. The first job to fail raises, as does `check` when it raises, and the
    processes are then stopped."""
    limit = max(1, max_running or default_shards())
    waiting, results = list(range(len(jobs))), {}
    workers: list[_Worker] = []
    with selectors.DefaultSelector() as ready:

        def drop(worker: _Worker) -> None:
            """A process that ended while it had no job (killed, say by the OOM killer): the others carry on."""
            ready.unregister(worker.process.stdout)
            workers.remove(worker)
            worker.stop()

        try:
            while waiting or any(worker.running for worker in workers):
                while waiting:  # the next job to a free process, or to a new one while fewer than `limit` run
                    worker = next((worker for worker in workers if worker.running is None), None)
                    if worker is None and len(workers) == limit:
                        break
                    if worker is None:
                        worker = _Worker(jobs[waiting[0]], env)
                        workers.append(worker)
                        ready.register(worker.process.stdout, selectors.EVENT_READ, worker)
                    if worker.start(waiting[0], jobs[waiting[0]]):
                        waiting.pop(0)
                    else:
                        drop(worker)
                events = ready.select(_POLL_SECONDS)
                for key, _ in events:
                    worker = key.data
                    if worker.running is None:
                        drop(worker)
                        continue
                    number, job, result = worker.finished()
                    results[number] = result
                    on_finished(job, result)
                if not events:
                    check()
            for worker in workers:  # no more jobs: each ends on its own
                worker.process.stdin.close()
            for worker in workers:
                worker.process.wait()
            return [results[number] for number in range(len(jobs))]
        finally:
            for worker in workers:
                worker.stop()


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


def _stderr_to(path: Path) -> None:
    """This process's stderr (fd 2, where a traceback goes) into the job's own file."""
    sys.stderr.flush()
    with open(path, "wb") as stderr:
        os.dup2(stderr.fileno(), 2)


def main(argv: list[str]) -> int:
    parent_pid = int(argv[0])
    _stop_with_parent(parent_pid)
    # The parent's channels, kept from the jobs: a job reads an empty stdin and prints to nowhere.
    jobs, done = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(os.open(os.devnull, os.O_RDWR), 0)
    os.dup2(0, 1)
    for line in jobs:
        job_file, stderr_file = orjson.loads(line)
        _stderr_to(Path(stderr_file))
        job: Job = pickle.loads(Path(job_file).read_bytes())
        try:
            result = job.function(job.argument)
        except job.reported as error:
            print(error, file=sys.stderr)
            _write_whole(job.file("error.pickle"), error)
            return _REPORTED_EXIT
        _write_whole(job.file("result.pickle"), result)
        done.write(b"done\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
