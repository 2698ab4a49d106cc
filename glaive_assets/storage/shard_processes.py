"""The transform's shards side by side inside one step, each in a Python process of its own (no Dagster).

Under the in-process executor Dagster runs one step at a time, so shards as steps would run one after
another. There the transform is one step that starts a process per shard,

    python -m glaive_assets.storage.shard_processes <plan file> <result file>

and merges their files as the merge step does (shards.merge_shards): the same plans, shard function and
merge, so the same bytes. A fresh interpreter imports only the core and storage modules (not Dagster,
nor the CLI that started the run, as multiprocessing's spawn would), and a shard that fails or dies is
a non-zero exit code with its last line of stderr, never a pool left waiting. The plan and result
travel as pickles in the run's scratch folder beside the shard's files.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from glaive_assets.storage.shards import ShardAccountingError, ShardPlan, ShardResult, transform_shard

_ACCOUNTING_EXIT = 3  # a ShardAccountingError, as opposed to a crash


class ShardProcessError(RuntimeError):
    """A shard's process failed: its exit code and the last line it wrote to stderr."""


def _files(plan: ShardPlan) -> tuple[Path, Path]:
    return plan.scratch / f"{plan.key}.plan.pickle", plan.scratch / f"{plan.key}.result.pickle"


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "(nothing on stderr)"


def transform_in_processes(plans: list[ShardPlan]) -> list[ShardResult]:
    """Run every shard at once, each in its own process; their results in plan order. Raises
    ShardAccountingError when a shard's rows do not add up, ShardProcessError when a process fails;
    the other shards' processes are stopped either way."""
    running: list[tuple[ShardPlan, subprocess.Popen]] = []
    try:
        for plan in plans:
            plan.scratch.mkdir(parents=True, exist_ok=True)
            plan_file, result_file = _files(plan)
            plan_file.write_bytes(pickle.dumps(plan))
            result_file.unlink(missing_ok=True)
            command = [sys.executable, "-m", __name__, str(plan_file), str(result_file)]
            running.append((plan, subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.PIPE)))
        for plan, process in running:
            _, stderr = process.communicate()
            if process.returncode == _ACCOUNTING_EXIT:
                raise ShardAccountingError(_last_line(stderr))
            if process.returncode != 0:
                raise ShardProcessError(f"{plan.key}'s process exited with code {process.returncode}: "
                                        f"{_last_line(stderr)}")
        return [pickle.loads(_files(plan)[1].read_bytes()) for plan in plans]
    finally:
        for _, process in running:
            if process.poll() is None:
                process.kill()
                process.wait()


def main(argv: list[str]) -> int:
    plan_file, result_file = map(Path, argv)
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
