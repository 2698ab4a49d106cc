"""Benchmark the sharded transform (raw -> processed + rejects) with 1 shard against 2, as users run it:
`dagster asset materialize`, under the default in-process executor (the transform is one step, its
shards processes side by side) or with --executor multiprocess (each shard a step in its own process).

    python -m glaive_assets.benchmarks.shards                       # 112,960 generated rows, 1 vs 2 shards
    python -m glaive_assets.benchmarks.shards --executor multiprocess
    python -m glaive_assets.benchmarks.shards --rows 20000 --shards 1 2 3
    python -m glaive_assets.benchmarks.shards --input real          # ../shared/glaive's rows repeated

glaive_raw is materialized once (in-process), from a raw JSON-lines file of the sample generator's rows
(seed 42) or of the real rows repeated; then, for each shard count, the transform alone is materialized
`--repeat` times into the same data dir and DAGSTER_HOME, the counts taking turns (1, 2, 1, 2, ...; best
run of each kept). Two figures per run:
- transform: from the first transform step's start to the last one's end, from the run's event log (in
  process: the one step; multiprocess: the plan step's start to the merge step's end, so it includes the
  shard and merge steps' process start-up, not the plan's); under multiprocess also the plan step, the
  slowest shard step and the merge step;
- command: the whole `dagster asset materialize` wall time (adds the CLI's own start-up and the run's),
  and its process tree's CPU seconds (user + system, the shard processes included): the CPU a shard count
  adds over one pass (process starts, copying the shards' files, two processes sharing the machine)
  bounds its speed-up, at best cores × one pass's CPU / its own.
With one shard the in-process transform is a single pass, without shard files or merge; with more, and
under multiprocess always, the shards' files are merged.
The outputs of every shard count must be byte-identical (the benchmark fails otherwise).
`load` is the machine's 1-minute load average when the run ended: other work on the machine takes cores
from the shards, so compare ratios measured at a similar load.
Target (issue 13): 2 shards >= 1.7x faster than 1 on a 2-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from glaive_assets.benchmarks.graph import write_input
from glaive_assets.storage.artifacts import ARTIFACT_PATHS

TRANSFORM_STEP_PREFIX = "processed_and_rejects"
RATIO_TARGET = 1.7


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _dagster(env: dict, *args: str) -> tuple[float, float]:
    """Run a dagster CLI command; its wall time and the CPU seconds of its process tree."""
    command = [str(Path(sys.executable).with_name("dagster")), "asset", "materialize", "-m", "glaive_assets", *args]
    started, cpu_before = time.perf_counter(), _children_cpu()
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr[-4000:]}")
    return wall, _children_cpu() - cpu_before


def transform_span(home: Path) -> dict[str, float]:
    """The latest run's transform steps, from its event log: the whole span and the time in each kind of step."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1)[0]
        records = instance.get_records_for_run(run.run_id, of_type={
            dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS}).records
    starts, ends = {}, {}
    for record in records:
        entry = record.event_log_entry
        if entry.step_key and entry.step_key.startswith(TRANSFORM_STEP_PREFIX):
            target = starts if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START else ends
            target[entry.step_key] = entry.timestamp
    span = {"transform_s": max(ends.values()) - min(starts.values())}
    for kind in ("plan", "transform_shard", "merge"):  # the steps of the multiprocess form
        keys = [key for key in ends if kind in key]
        span[f"{kind}_s"] = max((ends[key] - starts[key] for key in keys), default=None)  # the slowest shard
    return span


def _outputs_sha256(data: Path) -> dict[str, str]:
    return {name: hashlib.sha256((data / ARTIFACT_PATHS[name]).read_bytes()).hexdigest()
            for name in ("glaive_processed", "glaive_rejects")}


def measure(kind: str, rows: int, shard_counts: list[int], repeat: int, executor: str) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="glaive-shards-bench-") as scratch:
        home, data, source = Path(scratch, "home"), Path(scratch, "data"), Path(scratch, "input.jsonl")
        home.mkdir()
        input_bytes = write_input(kind, rows, source)
        env = {**os.environ, "DAGSTER_HOME": str(home), "GLAIVE_DATA_DIR": str(data), "GLAIVE_SOURCE": str(source),
               "GLAIVE_SAMPLE_SIZE": "0", "GLAIVE_EXECUTOR": "in_process"}
        env.pop("SLACK_BOT_TOKEN", None)
        _dagster(env, "--select", "glaive_raw")
        best: dict[int, dict] = {}
        reference = None
        for _ in range(repeat):  # the counts take turns, so a machine that speeds up or slows down meets each alike
            for shards in shard_counts:
                env_n = {**env, "GLAIVE_EXECUTOR": executor, "GLAIVE_SHARDS": str(shards)}
                command_s, cpu_s = _dagster(env_n, "--select", "glaive_processed,glaive_rejects")
                run = {**transform_span(home), "command_s": command_s, "cpu_s": cpu_s, "load": os.getloadavg()[0]}
                if shards not in best or run["transform_s"] < best[shards]["transform_s"]:
                    best[shards] = run
                outputs = _outputs_sha256(data)
                if reference is not None and outputs != reference:
                    raise SystemExit(f"{shards} shards wrote other files than {shard_counts[0]}: {outputs} != {reference}")
                reference = outputs
        return [{"input": kind, "rows": rows, "input_mb": round(input_bytes / 1e6, 1), "shards": shards,
                 **{key: _rounded(value) for key, value in best[shards].items()}} for shards in shard_counts]


def _rounded(value: float | None) -> float | str:
    return "-" if value is None else round(value, 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=112_960)
    parser.add_argument("--input", choices=("generated", "real"), default="generated")
    parser.add_argument("--shards", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=2, help="runs per shard count; the fastest is kept")
    parser.add_argument("--executor", choices=("in_process", "multiprocess"), default="in_process")
    args = parser.parse_args(argv)
    print(f"executor: {args.executor}")
    print(f"{'input':<10} {'rows':>9} {'MB':>6} {'shards':>6} {'transform s':>11} {'plan s':>7} {'shard s':>8} "
          f"{'merge s':>8} {'command s':>9} {'CPU s':>6} {'load':>5} {'speed-up':>8}", flush=True)
    results = measure(args.input, args.rows, args.shards, args.repeat, args.executor)
    first = results[0]["transform_s"]
    for result in results:
        print(f"{result['input']:<10} {result['rows']:>9,} {result['input_mb']:>6} {result['shards']:>6} "
              f"{result['transform_s']:>11} {result['plan_s']:>7} {result['transform_shard_s']:>8} {result['merge_s']:>8} "
              f"{result['command_s']:>9} {result['cpu_s']:>6} {result['load']:>5} {first / result['transform_s']:>7.2f}x")
    if len(results) > 1 and results[0]["shards"] == 1 and results[1]["shards"] == 2:
        ratio = first / results[1]["transform_s"]
        print(f"2 shards vs 1: {ratio:.2f}x faster ({'met' if ratio >= RATIO_TARGET else 'MISSED'}: target "
              f">= {RATIO_TARGET}x); outputs byte-identical")


if __name__ == "__main__":
    main()
