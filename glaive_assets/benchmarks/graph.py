"""Benchmark the whole graph, every asset and check, as users run it: `dagster asset materialize`.

    python -m glaive_assets.benchmarks.graph                 # 5,000, 112,960 and 1,000,000 sample rows
    python -m glaive_assets.benchmarks.graph --rows 5000     # one size

Each size reads every row of a generated sample of that size (GLAIVE_SOURCE=sample:N,
GLAIVE_SAMPLE_SIZE=0) and runs in a fresh child process with its own DAGSTER_HOME and data dir, so the figures include
Dagster's start-up and the GX import. Peak RSS is the child's (getrusage of waited-for children).
Targets (issue 3): 5k rows <= 12 s wall, 113k <= 30 s wall, 1M peak RSS <= 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from glaive_assets.artifacts import read_manifest

DEFAULT_SIZES = (5_000, 112_960, 1_000_000)
TARGETS = {5_000: ("wall_s", 12.0), 112_960: ("wall_s", 30.0), 1_000_000: ("peak_rss_mib", 1024.0)}


def run_graph(rows: int, seed: int = 42) -> dict:
    with tempfile.TemporaryDirectory(prefix="glaive-bench-") as scratch:
        home, data = Path(scratch, "home"), Path(scratch, "data")
        home.mkdir()
        env = {**os.environ, "DAGSTER_HOME": str(home), "GLAIVE_DATA_DIR": str(data),
               "GLAIVE_SOURCE": f"sample:{rows}", "GLAIVE_SAMPLE_SIZE": "0", "GLAIVE_SEED": str(seed)}
        env.pop("SLACK_BOT_TOKEN", None)
        dagster = Path(sys.executable).with_name("dagster")
        command = [str(dagster), "asset", "materialize", "-m", "glaive_assets", "--select", "*"]
        # The child is forked fresh per size, so RUSAGE_CHILDREN's max is this child's once it is the largest;
        # run sizes in ascending order, or one per process, for exact figures.
        started = time.perf_counter()
        completed = subprocess.run(command, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if completed.returncode != 0:
            raise SystemExit(f"graph failed at {rows} rows:\n{completed.stderr[-4000:]}")
        artifacts = read_manifest(data)["artifacts"]
        return {
            "rows": rows,
            "wall_s": round(wall, 2),
            "peak_rss_mib": round(peak_kib / 1024, 1),
            "raw": artifacts["glaive_raw"]["rows"],
            "processed": artifacts["glaive_processed"]["rows"],
            "rejects": artifacts["glaive_rejects"]["rows"],
            "chatml": artifacts["glaive_chatml"]["rows"],
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="sample rows (repeatable); default: 5k, 113k, 1M")
    args = parser.parse_args(argv)
    sizes = sorted(args.rows or DEFAULT_SIZES)
    print(f"{'rows':>10} {'wall s':>8} {'peak RSS MiB':>13} {'raw':>10} {'processed':>10} {'rejects':>8} {'chatml':>10}  target")
    for rows in sizes:
        result = run_graph(rows)
        target = TARGETS.get(rows)
        verdict = ""
        if target:
            key, limit = target
            verdict = f"{key} <= {limit:g}: {'met' if result[key] <= limit else 'MISSED'}"
        print(f"{result['rows']:>10,} {result['wall_s']:>8} {result['peak_rss_mib']:>13} {result['raw']:>10,} "
              f"{result['processed']:>10,} {result['rejects']:>8,} {result['chatml']:>10,}  {verdict}", flush=True)


if __name__ == "__main__":
    main()
