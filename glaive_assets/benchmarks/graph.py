"""Benchmark the whole graph, every asset and check, as users run it: `dagster asset materialize`.

    python -m glaive_assets.benchmarks.graph                 # 5,000, 112,960 and 1,000,000 sample rows
    python -m glaive_assets.benchmarks.graph --rows 5000     # one size

Each size reads every row of a generated sample of that size (GLAIVE_SOURCE=sample:N,
GLAIVE_SAMPLE_SIZE=0) and runs in a fresh child process with its own DAGSTER_HOME and data dir, so the figures include
Dagster's start-up and the GX import. Memory: the largest single process (getrusage) and the peak of the whole process tree, summed
(sampled from /proc every 0.1 s): dagster plus the GX worker it spawns.
Targets (issue 3): 5k rows <= 12 s wall, 113k <= 30 s wall, 1M peak RSS <= 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from glaive_assets.storage.manifest import read_manifest

DEFAULT_SIZES = (5_000, 112_960, 1_000_000)
TARGETS = {5_000: ("wall_s", 12.0), 112_960: ("wall_s", 30.0), 1_000_000: ("peak_tree_rss_mib", 1024.0)}


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (0 once they are gone)."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def _run_measured(command: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run `command`; return it, its wall time, and the peak summed RSS of its process tree (KiB)."""
    peak = 0
    started = time.perf_counter()
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.1):
                peak = max(peak, _tree_rss_kib(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = child.communicate()
        done.set()
        sampler.join()
    wall = time.perf_counter() - started
    return subprocess.CompletedProcess(command, child.returncode, stdout, stderr), wall, peak


def run_graph(rows: int, seed: int = 42) -> dict:
    with tempfile.TemporaryDirectory(prefix="glaive-bench-") as scratch:
        home, data = Path(scratch, "home"), Path(scratch, "data")
        home.mkdir()
        env = {**os.environ, "DAGSTER_HOME": str(home), "GLAIVE_DATA_DIR": str(data),
               "GLAIVE_SOURCE": f"sample:{rows}", "GLAIVE_SAMPLE_SIZE": "0", "GLAIVE_SEED": str(seed)}
        env.pop("SLACK_BOT_TOKEN", None)
        dagster = Path(sys.executable).with_name("dagster")
        command = [str(dagster), "asset", "materialize", "-m", "glaive_assets", "--select", "*"]
        completed, wall, tree_peak_kib = _run_measured(command, env)
        # getrusage gives the largest single process (sizes run in ascending order, so it is this run's);
        # the sampled tree peak adds up every process alive at once (dagster and the GX worker).
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if completed.returncode != 0:
            raise SystemExit(f"graph failed at {rows} rows:\n{completed.stderr[-4000:]}")
        artifacts = read_manifest(data)["artifacts"]
        return {
            "rows": rows,
            "wall_s": round(wall, 2),
            "peak_rss_mib": round(peak_kib / 1024, 1),
            "peak_tree_rss_mib": round(max(tree_peak_kib, peak_kib) / 1024, 1),
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
    print(f"{'rows':>10} {'wall s':>8} {'max proc MiB':>13} {'tree MiB':>9} {'raw':>10} {'processed':>10} "
          f"{'rejects':>8} {'chatml':>10}  target")
    for rows in sizes:
        result = run_graph(rows)
        target = TARGETS.get(rows)
        verdict = ""
        if target:
            key, limit = target
            verdict = f"{key} <= {limit:g}: {'met' if result[key] <= limit else 'MISSED'}"
        print(f"{result['rows']:>10,} {result['wall_s']:>8} {result['peak_rss_mib']:>13} {result['peak_tree_rss_mib']:>9} "
              f"{result['raw']:>10,} "
              f"{result['processed']:>10,} {result['rejects']:>8,} {result['chatml']:>10,}  {verdict}", flush=True)


if __name__ == "__main__":
    main()
