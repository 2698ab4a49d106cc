"""The transform's shards side by side inside one step, in Python processes that each take the next
shard as they finish one (worker_processes.py: no Dagster).

Under the in-process executor Dagster runs one step at a time, so shards as steps would run one after
another. There the transform is one step that starts its processes and merges the shards' files while
they run (shards.merge_while_running): the same plans, shard function and copies as the merge step's,
so the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from glaive_assets.storage.shards import ShardAccountingError, ShardPlan, ShardResult, transform_shard
from glaive_assets.storage.worker_processes import Job, WorkerProcessError, run_in_processes

ShardProcessError = WorkerProcessError  # a shard's process failed: its exit code and last line of stderr


def transform_in_processes(plans: list[ShardPlan], max_running: int | None = None,
                           on_finished: Callable[[ShardResult], None] = lambda result: None,
                           check: Callable[[], None] = lambda: None) -> list[ShardResult]:
    """Run the shards in at most `max_running` processes side by side (default: the
    CPU cores this process may use), calling `on_finished` with each shard's result as it ends and
    `check` while they run; their results in plan order. The first shard to fail raises:
    ShardAccountingError when its rows do not add up, ShardProcessError when its process fails; the other
    shards' processes are then stopped, as they are when `check` raises."""
    jobs = [Job(plan.key, transform_shard, plan, plan.scratch, reported=(ShardAccountingError,)) for plan in plans]
    return run_in_processes(jobs, max_running, lambda job, result: on_finished(result), check=check)
