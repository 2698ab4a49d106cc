"""Benchmark the whole graph, every asset and check, as users run it: `dagster asset materialize`.

    python -m glaive_assets.benchmarks.graph                 # generated rows at 5,000, 112,960 and 1,000,000,
                                                             # and the real rows repeated to 112,960
    python -m glaive_assets.benchmarks.graph --rows 112960   # one generated size (and the real rows)
    python -m glaive_assets.benchmarks.graph --rows 5000 --real-rows 0   # no real rows

Inputs, each written once as a raw JSON-lines file (one `orjson.dumps(row)` a line) that the graph reads
(GLAIVE_SOURCE=<file>, GLAIVE_SAMPLE_SIZE=0):
- generated: the sample generator's realistic rows (glaive_assets.sources.sample, seed 42);
- real: where ../shared/glaive exists, its 606 real rows laid out as raw Glaive lines
  (benchmarks.real_rows), repeated in order to --real-rows rows (default 112,960, the real dataset's size).

For each input the same run times the bare `orjson.loads` of every line of that file (reading it too;
best of 3) and reports the graph's wall time as a multiple of it, and the CPU seconds of the graph's whole
process tree (user + system), which a busy machine inflates less than the wall time. The graph runs in a fresh child process
with its own DAGSTER_HOME and data dir, so the figures include Dagster's start-up and the GX import.
Memory: the largest single process (getrusage) and the peak of the whole process tree, summed (sampled
from /proc every 0.1 s): dagster plus every process it spawns.
Where the time goes: below each run, a table of the steps (from the run's event log) with the wall time
and the CPU seconds the process tree spent in each (its CPU sampled from /proc with the memory), and the
cores busy on average. The tree's CPU divided by the cores is a floor: no schedule on this machine runs
the same work in less wall time.
The largest-process figure counts the processes the run waits for: all of them under the default
in-process executor. Under GLAIVE_EXECUTOR=multiprocess the steps are forked by a fork server that the
run does not wait for, so it leaves the steps out; the CPU then comes from the tree's last sample, which
holds the steps the fork server has reaped (up to 0.1 s of the run's end can be missing).
Targets (issue 13): 112,960 rows <= 20 s wall and <= 20x the bare decode; 1,000,000 rows: peak tree RSS
<= 1 GiB and wall <= 11x the 112,960-row run's. (Issue 3: 5,000 rows <= 12 s wall.)
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
from dataclasses import dataclass
from pathlib import Path

import orjson

from glaive_assets.benchmarks.real_rows import real_glaive_lines, repeat_lines, shared_glaive_dir, write_jsonl
from glaive_assets.sources.sample import iter_sample_rows
from glaive_assets.storage.manifest import read_manifest

DEFAULT_SIZES = (5_000, 112_960, 1_000_000)
REAL_ROWS = 112_960
SEED = 42
WALL_TARGETS = {5_000: 12.0, 112_960: 20.0}
RATIO_TARGET = 20.0  # graph wall / bare orjson.loads of the input file, at 112,960 rows
RSS_TARGET_MIB = {1_000_000: 1024.0}
SCALE_TARGET = (1_000_000, 112_960, 11.0)  # 1M rows' wall <= 11x the 113k rows' wall


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _tree_usage(root: int) -> tuple[int, float]:
    """Resident memory (KiB) of a process and all its descendants, and the CPU seconds they and the
    children they have waited for spent so far, from /proc ((0, 0.0) once they are gone)."""
    rss_kib, cpu_ticks, pending = 0, 0, [root]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss_kib += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            # utime, stime, cutime, cstime: fields 14-17 of stat, counted after the ")" that ends the name.
            cpu_ticks += sum(map(int, Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:15]))
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return rss_kib, cpu_ticks / _CLOCK_TICKS


@dataclass
class Measured:
    completed: subprocess.CompletedProcess
    started: float  # time.time() when the command started
    wall: float
    peak_tree_kib: int
    cpu_samples: list[tuple[float, float]]  # (time.time(), the tree's CPU seconds so far), every 0.1 s


def _run_measured(command: list[str], env: dict) -> Measured:
    """Run `command`; return it, its wall time, the peak summed RSS of its process tree, and its CPU over
    time."""
    peak, cpu_samples = 0, []
    started, started_at = time.perf_counter(), time.time()
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.1):
                rss_kib, cpu = _tree_usage(child.pid)
                peak = max(peak, rss_kib)
                if rss_kib:
                    cpu_samples.append((time.time(), cpu))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = child.communicate()
        done.set()
        sampler.join()
    wall = time.perf_counter() - started
    completed = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    return Measured(completed, started_at, wall, peak, cpu_samples)


def step_windows(dagster_home: Path) -> list[tuple[str, float, float]]:
    """(step key, start, end) of every step of the instance's one run, in start order (time.time())."""
    import dagster as dg  # only here: the rest of the benchmark runs without loading Dagster

    instance = dg.DagsterInstance.from_config(str(dagster_home))
    (run,) = instance.get_runs()
    starts, windows = {}, []
    for entry in instance.all_logs(run.run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in starts:
            windows.append((event.step_key, starts[event.step_key], entry.timestamp))
    instance.dispose()
    return sorted(windows, key=lambda window: window[1])


def cpu_at(samples: list[tuple[float, float]], moment: float) -> float:
    """The tree's CPU seconds at `moment`: the largest sampled at or before it (the count only grows; a
    child's seconds can be missed for one sample while its parent reaps it)."""
    return max((cpu for at, cpu in samples if at <= moment), default=0.0)


def step_breakdown(windows: list[tuple[str, float, float]], measured: Measured, total_cpu: float
                   ) -> list[tuple[str, float, float]]:
    """(label, wall s, CPU s): the start-up (command start to first step), each step, then the rest (the
    time in no step after the first starts), so that start-up, the steps' union and the rest add up to
    the run's wall and CPU. A step that ran beside another (the multiprocess executor's shard steps) is
    marked "*": its CPU is the tree's while it ran, the other's included."""
    samples = measured.cpu_samples
    rows, covered = [], []  # covered: the union of the steps' windows, as disjoint (start, end)
    if windows:
        first = windows[0][1]
        rows.append(("(start-up: the command to the first step)", first - measured.started, cpu_at(samples, first)))
    for key, start, end in windows:
        beside = any(other_start < end and start < other_end for other, other_start, other_end in windows
                     if (other, other_start) != (key, start))
        rows.append((f"{key} *" if beside else key, end - start, cpu_at(samples, end) - cpu_at(samples, start)))
        if covered and start <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(covered[-1][1], end))
        else:
            covered.append((start, end))
    in_steps_wall = sum(end - start for start, end in covered)
    in_steps_cpu = sum(cpu_at(samples, end) - cpu_at(samples, start) for start, end in covered)
    start_wall, start_cpu = (rows[0][1], rows[0][2]) if windows else (0.0, 0.0)
    rows.append(("(between the steps, and after the last)", measured.wall - start_wall - in_steps_wall,
                 total_cpu - start_cpu - in_steps_cpu))
    return rows


def bare_decode_seconds(path: Path, repeat: int = 3) -> float:
    """Best wall time of reading the file and orjson.loads of every line."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        with open(path, "rb") as handle:
            for line in handle:
                orjson.loads(line)
        best = min(best, time.perf_counter() - started)
    return best


def write_input(kind: str, rows: int, path: Path) -> int:
    """Write the benchmark input file; returns its size in bytes."""
    if kind == "generated":
        return write_jsonl((orjson.dumps(row) for _, row in iter_sample_rows(rows, SEED)), path)
    folder = shared_glaive_dir()
    assert folder is not None, "real rows need ../shared/glaive"
    return write_jsonl(repeat_lines(real_glaive_lines(folder), rows), path)


def run_graph(kind: str, rows: int) -> dict:
    """Write the input, time its bare decode, then materialize the whole graph on it."""
    with tempfile.TemporaryDirectory(prefix="glaive-bench-") as scratch:
        home, data, source = Path(scratch, "home"), Path(scratch, "data"), Path(scratch, "input.jsonl")
        home.mkdir()
        input_bytes = write_input(kind, rows, source)
        bare = bare_decode_seconds(source)
        env = {**os.environ, "DAGSTER_HOME": str(home), "GLAIVE_DATA_DIR": str(data),
               "GLAIVE_SOURCE": str(source), "GLAIVE_SAMPLE_SIZE": "0", "GLAIVE_SEED": str(SEED)}
        env.pop("SLACK_BOT_TOKEN", None)
        dagster = Path(sys.executable).with_name("dagster")
        command = [str(dagster), "asset", "materialize", "-m", "glaive_assets", "--select", "*"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        measured = _run_measured(command, env)
        completed, wall, tree_peak_kib = measured.completed, measured.wall, measured.peak_tree_kib
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU seconds of the whole tree, a figure that a busy machine inflates much less than the wall time:
        # what getrusage counts of the processes waited for (under the in-process executor, all of them).
        waited_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        # The multiprocess executor's fork server is never waited for: its steps count in the last sample.
        cpu = max(waited_cpu, measured.cpu_samples[-1][1] if measured.cpu_samples else 0.0)
        # getrusage gives the largest single process of all children so far (runs go in ascending size, so
        # it is this run's); the sampled tree peak adds up every process alive at once.
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if completed.returncode != 0:
            raise SystemExit(f"graph failed on {kind} input, {rows} rows:\n{completed.stderr[-4000:]}")
        artifacts = read_manifest(data)["artifacts"]
        steps = step_breakdown(step_windows(home), measured, cpu)
        return {
            "input": kind,
            "rows": rows,
            "input_mb": round(input_bytes / 1e6, 1),
            "bare_decode_s": round(bare, 2),
            "wall_s": round(wall, 2),
            "ratio": round(wall / bare, 1),
            "cpu_s": round(cpu, 1),
            "peak_rss_mib": round(peak_kib / 1024, 1),
            "peak_tree_rss_mib": round(max(tree_peak_kib, peak_kib) / 1024, 1),
            "raw": artifacts["glaive_raw"]["rows"],
            "processed": artifacts["glaive_processed"]["rows"],
            "rejects": artifacts["glaive_rejects"]["rows"],
            "chatml": artifacts["glaive_chatml"]["rows"],
            "steps": steps,
        }


def verdicts(result: dict, walls: dict[tuple[str, int], float]) -> str:
    """The targets that apply to this run, each met or MISSED."""
    rows, found = result["rows"], []

    def check(label: str, ok: bool) -> None:
        found.append(f"{label}: {'met' if ok else 'MISSED'}")

    if rows in WALL_TARGETS:
        check(f"wall <= {WALL_TARGETS[rows]:g} s", result["wall_s"] <= WALL_TARGETS[rows])
    if rows == 112_960:
        check(f"<= {RATIO_TARGET:g}x bare", result["ratio"] <= RATIO_TARGET)
    if rows in RSS_TARGET_MIB:
        check(f"tree RSS <= {RSS_TARGET_MIB[rows]:g} MiB", result["peak_tree_rss_mib"] <= RSS_TARGET_MIB[rows])
    big, small, factor = SCALE_TARGET
    if rows == big and (result["input"], small) in walls:
        check(f"wall <= {factor:g}x the {small:,}-row run", result["wall_s"] <= factor * walls[result["input"], small])
    return "; ".join(found)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="generated rows (repeatable); default: 5k, 113k, 1M")
    parser.add_argument("--real-rows", type=int, default=REAL_ROWS,
                        help="real rows repeated to this many, where ../shared/glaive exists (0: none)")
    args = parser.parse_args(argv)
    runs = [("generated", rows) for rows in sorted(args.rows or DEFAULT_SIZES)]
    if args.real_rows > 0:
        if shared_glaive_dir() is None:
            print("(../shared/glaive is absent: no real-row run)")
        else:
            runs.append(("real", args.real_rows))
    # Ascending sizes: getrusage's peak covers every child so far, so it is the current run's only then.
    runs.sort(key=lambda run: (run[1], run[0] != "generated"))
    print(f"{'input':<10} {'rows':>10} {'input MB':>9} {'bare s':>7} {'wall s':>7} {'x bare':>7} {'cpu s':>7} {'max proc MiB':>13} "
          f"{'tree MiB':>9} {'raw':>10} {'processed':>10} {'rejects':>8} {'chatml':>10}  targets")
    walls: dict[tuple[str, int], float] = {}
    for kind, rows in runs:
        result = run_graph(kind, rows)
        walls[kind, rows] = result["wall_s"]
        print(f"{kind:<10} {rows:>10,} {result['input_mb']:>9} {result['bare_decode_s']:>7} {result['wall_s']:>7} "
              f"{result['ratio']:>7} {result['cpu_s']:>7} {result['peak_rss_mib']:>13} {result['peak_tree_rss_mib']:>9} {result['raw']:>10,} "
              f"{result['processed']:>10,} {result['rejects']:>8,} {result['chatml']:>10,}  {verdicts(result, walls)}",
              flush=True)
        print(breakdown_text(result), flush=True)


def breakdown_text(result: dict, cores: int | None = None) -> str:
    """The run's step table (step_breakdown), and the wall-time floor its CPU sets on this many cores."""
    cores = cores or os.cpu_count() or 1
    lines = [f"    {'step':<44} {'wall s':>7} {'cpu s':>7} {'cores busy':>10}"]
    for label, wall, cpu in result["steps"]:
        lines.append(f"    {label:<44} {wall:>7.1f} {cpu:>7.1f} {cpu / wall if wall > 0.05 else 0:>10.2f}")
    if any(label.endswith(" *") for label, _, _ in result["steps"]):
        lines.append("    * ran beside another step: the CPU is the tree's while it ran, the other's included")
    lines.append(f"    the tree's {result['cpu_s']:g} CPU s / {cores} cores = a floor of {result['cpu_s'] / cores:.1f} s "
                 f"wall (this run: {result['wall_s']:g} s)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
