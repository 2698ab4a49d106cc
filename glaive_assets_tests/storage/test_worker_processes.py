"""The processes that run jobs side by side inside one step: each serves job after job, a free process
takes the next job, and a job's failure is its own, whichever jobs its process ran before."""

import os
import signal
import sys
import time

import pytest

from glaive_assets.storage.worker_processes import Job, WorkerProcessError, run_in_processes


class Refused(ValueError):
    """An error the jobs report: raised again in the parent as it is."""


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def echo(value):
    print("a job that prints to stdout, where the process reports to its parent")
    return value


def read_stdin(_):
    return sys.stdin.read()


def fail_with(message: str):
    raise RuntimeError(message)


def refuse(value):
    raise Refused(f"refused {value}")


def test_each_process_serves_job_after_job_and_ends_with_the_last(tmp_path):
    pids = run_in_processes([Job(f"job_{number}", pid_after, 0.0, tmp_path) for number in range(8)], max_running=2)
    assert len(set(pids)) == 2  # two starts for eight jobs
    for pid in set(pids):
        with pytest.raises(ProcessLookupError):  # exited and reaped once the jobs ran out
            os.kill(pid, 0)


def test_a_free_process_takes_the_next_job(tmp_path):
    """One long job and six short ones on two processes: the other process runs all the short ones (what
    lets a slower core do fewer of a step's jobs)."""
    jobs = [Job("long", pid_after, 2.0, tmp_path), *(Job(f"short_{number}", pid_after, 0.05, tmp_path)
                                                      for number in range(6))]
    finished = []
    pids = run_in_processes(jobs, 2, on_finished=lambda job, pid: finished.append(job.name))
    assert len(set(pids[1:])) == 1 and pids[0] not in pids[1:]
    assert finished == [f"short_{number}" for number in range(6)] + ["long"]


def test_what_a_job_prints_does_not_disturb_the_results(tmp_path):
    assert run_in_processes([Job(f"echo_{number}", echo, number, tmp_path) for number in range(3)], 1) == [0, 1, 2]


@pytest.mark.timeout(60)
def test_a_job_reading_stdin_finds_it_empty_not_the_next_jobs(tmp_path):
    """The process reads its jobs on a descriptor of its own: a job that reads stdin reads nothing (it
    would otherwise wait forever on the parent's channel)."""
    assert run_in_processes([Job(f"reader_{number}", read_stdin, None, tmp_path) for number in range(3)], 1) == ["", "", ""]


def test_a_job_failing_after_others_in_its_process_is_named_with_its_own_last_line(tmp_path):
    jobs = [Job("first", echo, 1, tmp_path), Job("second", fail_with, "the second job broke", tmp_path),
            Job("third", echo, 3, tmp_path)]
    with pytest.raises(WorkerProcessError, match=r"^second's process exited with code 1: "
                                                 r"RuntimeError: the second job broke$"):
        run_in_processes(jobs, max_running=1)
    assert "Traceback" not in (tmp_path / "first.stderr.txt").read_text()


def test_a_reported_error_of_a_later_job_is_raised_as_itself(tmp_path):
    jobs = [Job("fine", echo, 1, tmp_path, reported=(Refused,)), Job("refused", refuse, 2, tmp_path, reported=(Refused,))]
    with pytest.raises(Refused, match="^refused 2$"):
        run_in_processes(jobs, max_running=1)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_free_process_that_is_killed_leaves_the_jobs_to_the_others(tmp_path):
    """A process killed while it has no job (say, by the OOM killer) is not a failed job: the jobs left
    go to the other processes, or to a new one."""
    jobs = [Job("long", pid_after, 1.0, tmp_path), Job("short", pid_after, 0.0, tmp_path),
            *(Job(f"later_{number}", pid_after, 0.0, tmp_path) for number in range(3))]

    def kill_the_first_free_process(job, pid):
        if job.name == "short":
            os.kill(pid, signal.SIGKILL)
            while open(f"/proc/{pid}/stat").read().split(") ")[1][0] != "Z":  # ended, not yet reaped
                time.sleep(0.01)

    pids = run_in_processes(jobs[:2], 2, on_finished=kill_the_first_free_process)
    assert len(pids) == 2
    pids = run_in_processes(jobs, 2, on_finished=kill_the_first_free_process)
    assert len(pids) == 5 and pids[1] not in pids[2:]


@pytest.mark.timeout(60)
def test_processes_that_cannot_start_fail_the_first_job_not_loop(tmp_path):
    with pytest.raises(WorkerProcessError, match=r"^job_[01].s process exited with code 1: .+"):
        run_in_processes([Job(f"job_{number}", echo, number, tmp_path) for number in range(4)], 2,
                         env={"PYTHONHOME": str(tmp_path / "no-python-here")})
