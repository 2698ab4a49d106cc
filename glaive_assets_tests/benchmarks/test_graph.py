"""The graph benchmark's account of where the time goes: the process tree's CPU read from /proc, the steps
read from a real run's event log, and the table that splits the run's wall and CPU between them."""

import subprocess
import sys
import textwrap
import time

import dagster as dg
import pytest

from glaive_assets.benchmarks import graph as graph_benchmark

# A child that starts a grandchild burning about 0.6 s of CPU, waits for it (its CPU then counts as
# the child's children's), and then sleeps until it is stopped.
_PARENT = textwrap.dedent("""
    import subprocess, sys, time
    burn = "import time\\nend = time.process_time() + 0.6\\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    print("reaped", flush=True)
    time.sleep(60)
""")


def test_tree_usage_counts_the_cpu_of_children_already_reaped():
    with subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True) as parent:
        try:
            assert parent.stdout.readline().strip() == "reaped"
            rss_kib, cpu = graph_benchmark._tree_usage(parent.pid)
        finally:
            parent.kill()
    assert rss_kib > 1024  # a Python process holds several MiB
    assert 0.5 <= cpu < 5.0  # the grandchild's 0.6 s, and the two interpreters' start-up
    assert graph_benchmark._tree_usage(parent.pid) == (0, 0.0)  # gone


def test_step_windows_reads_each_step_of_the_run_in_order(tmp_path):
    @dg.asset
    def first() -> int:
        time.sleep(0.2)
        return 1

    @dg.asset
    def second(first: int) -> int:
        return first + 1

    instance = dg.DagsterInstance.from_config(str(tmp_path))
    assert dg.materialize([first, second], instance=instance).success
    instance.dispose()

    windows = graph_benchmark.step_windows(tmp_path)
    assert [key for key, _, _ in windows] == ["first", "second"]
    (_, first_start, first_end), (_, second_start, second_end) = windows
    assert first_end - first_start >= 0.2
    assert first_end <= second_start <= second_end


def test_the_breakdown_adds_up_to_the_run_and_sets_the_floor():
    started = 1000.0
    # The tree's CPU over time: 1 s of start-up, then both cores busy in "transform", one in "report".
    samples = [(1000.5, 0.5), (1001.0, 1.0), (1003.0, 5.0), (1004.0, 6.0), (1004.5, 6.4)]
    measured = graph_benchmark.Measured(subprocess.CompletedProcess([], 0), started, 5.0, 0, samples)
    windows = [("transform", 1001.0, 1003.0), ("report", 1003.0, 1004.0)]

    rows = graph_benchmark.step_breakdown(windows, measured, total_cpu=7.0)

    assert rows == [
        ("(start-up: the command to the first step)", 1.0, 1.0),
        ("transform", 2.0, 4.0),
        ("report", 1.0, 1.0),
        ("(between the steps, and after the last)", 1.0, pytest.approx(1.0)),
    ]
    text = graph_benchmark.breakdown_text({"steps": rows, "cpu_s": 7.0, "wall_s": 5.0}, cores=2)
    assert "transform" in text.splitlines()[2] and text.splitlines()[2].split()[-1] == "2.00"  # cores busy
    assert text.splitlines()[-1].strip() == "the tree's 7 CPU s / 2 cores = a floor of 3.5 s wall (this run: 5 s)"


def test_cpu_at_never_goes_back_when_a_sample_missed_a_child():
    # The sample at 2.0 missed a child being reaped (its CPU was in neither the child nor its parent).
    samples = [(1.0, 3.0), (2.0, 2.5), (3.0, 4.0)]
    assert graph_benchmark.cpu_at(samples, 2.5) == 3.0
    assert graph_benchmark.cpu_at(samples, 0.5) == 0.0
    assert graph_benchmark.cpu_at(samples, 3.0) == 4.0


def test_steps_side_by_side_are_marked_and_counted_once_in_the_rest():
    # Two shard steps overlap (1001-1003 and 1001.5-1003.5); nothing runs from 1003.5 to the end at 1005.
    samples = [(1001.0, 1.0), (1001.5, 2.0), (1003.0, 7.0), (1003.5, 8.0), (1005.0, 9.0)]
    measured = graph_benchmark.Measured(subprocess.CompletedProcess([], 0), 1000.0, 5.0, 0, samples)
    windows = [("shard_1", 1001.0, 1003.0), ("shard_2", 1001.5, 1003.5)]

    rows = graph_benchmark.step_breakdown(windows, measured, total_cpu=9.5)

    assert [label for label, _, _ in rows] == [
        "(start-up: the command to the first step)", "shard_1 *", "shard_2 *", "(between the steps, and after the last)"]
    assert rows[1][1:] == (2.0, 6.0) and rows[2][1:] == (2.0, 6.0)  # each sees the tree's CPU while it ran
    assert rows[-1][1] == pytest.approx(1.5) and rows[-1][2] == pytest.approx(1.5)  # 5 - 1 - 2.5 s; 9.5 - 1 - 7
    text = graph_benchmark.breakdown_text({"steps": rows, "cpu_s": 9.5, "wall_s": 5.0}, cores=2)
    assert "* ran beside another step" in text
