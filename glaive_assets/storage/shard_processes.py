"""The transform's shards side by side inside one step, each in a Python process of its own (no Dagster).

Under the in-process executor Dagster runs one step at a time, so shards as steps would run one after
another. There the transform is one step that starts a process per shard,

    python -m glaive_assets.storage.shard_processes <plan file> <result file>

and merges their files while they run (shards.merge_while_running): the same plans, shard function and
copies as the merge step's, so the same bytes. A fresh interpreter imports only the core and storage modules (not Dagster,
nor the CLI that started the run, as multiprocessing's spawn would), and a shard that fails or dies is
a non-zero exit code with its last line of stderr, never a pool left waiting. The plan, the result and
stderr travel as files in the run's scratch folder beside the shard's files. At most one process a core
runs at once, and on Linux each ends with the step that started it, even a step killed with SIGKILL.
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
from pathlib import Path

from glaive_assets.config.settings import default_shards
from glaive_assets.storage.shards import SHARD_FILES, ShardAccountingError, ShardPlan, ShardResult, transform_shard

_ACCOUNTING_EXIT = 3  # a ShardAccountingError, as opposed to a crash
_PARENT_GONE_EXIT = 4
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_POLL_SECONDS = 0.05


class ShardProcessError(RuntimeError):
    """A shard's process failed: its exit code and the last line it wrote to stderr."""


def _files(plan: ShardPlan) -> tuple[Path, Path, Path]:
    return tuple(plan.scratch / f"{plan.key}.{kind}" for kind in ("plan.pickle", "result.pickle", "stderr.txt"))


def _last_line(stderr_file: Path) -> str:
    lines = stderr_file.read_text("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "(nothing on stderr)"


def _start(plan: ShardPlan) -> subprocess.Popen:
    plan.scratch.mkdir(parents=True, exist_ok=True)
    plan_file, result_file, stderr_file = _files(plan)
    plan_file.write_bytes(pickle.dumps(plan))
    for stale in (result_file, *(plan.file(kind) for kind in SHARD_FILES)):  # a merge may read them as they grow
        stale.unlink(missing_ok=True)
    with open(stderr_file, "wb") as stderr:  # a file, not a pipe: a chatty shard never waits on a reader
        command = [sys.executable, "-m", __name__, str(plan_file), str(result_file), str(os.getpid())]
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)


def _check(plan: ShardPlan, process: subprocess.Popen) -> None:
    if process.returncode == _ACCOUNTING_EXIT:
        raise ShardAccountingError(_last_line(_files(plan)[2]))
    if process.returncode != 0:
        raise ShardProcessError(f"{plan.key}'s process exited with code {process.returncode}: "
                                f"{_last_line(_files(plan)[2])}")


def transform_in_processes(plans: list[ShardPlan], max_running: int | None = None,
                           on_finished: Callable[[ShardResult], None] = lambda result: None) -> list[ShardResult]:
    """Run the shards side by side, each in its own process, at most `max_running` at once (default: the
    CPU cores this process may use), calling `on_finished` with each shard's result as it ends; their
    results in plan order. The first shard to fail raises: ShardAccountingError when its rows do not add
    up, ShardProcessError when its process fails; the other shards' processes are then stopped."""
    limit = max(1, max_running or default_shards())
    waiting, running, results = list(plans), [], {}
    try:
        while waiting or running:
            while waiting and len(running) < limit:
                plan = waiting.pop(0)
                running.append((plan, _start(plan)))
            finished = [(plan, process) for plan, process in running if process.poll() is not None]
            for plan, process in finished:
                _check(plan, process)
                running.remove((plan, process))
                results[plan.index] = pickle.loads(_files(plan)[1].read_bytes())
                on_finished(results[plan.index])
            if not finished:
                time.sleep(_POLL_SECONDS)
        return [results[plan.index] for plan in plans]
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


def main(argv: list[str]) -> int:
    plan_file, result_file, parent_pid = Path(argv[0]), Path(argv[1]), int(argv[2])
    _stop_with_parent(parent_pid)
    plan: ShardPlan = pickle.loads(plan_file.read_bytes())
    try:
        result = transform_shard(plan)
    except ShardAccountingError as error:
        print(error, file=sys.stderr)
        return _ACCOUNTING_EXIT
    partial = result_file.with_name(result_file.name + ".partial")
    partial.write_bytes(pickle.dumps(result))
    os.replace(partial, result_file)  # whole or absent
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
