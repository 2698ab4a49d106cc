"""A check's previous outcome, read from the instance: the evaluation before a given run, skipping the
run itself and any later one (a sensor looks back at a run that has finished)."""

import dagster as dg

from glaive_assets.defs.alerts.history import previous_outcome, previous_outcomes


class Verdict(dg.Config):
    passed: bool = True


@dg.asset
def toy() -> int:
    return 1


@dg.asset_check(asset=toy)
def toy_check(config: Verdict) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=config.passed)


KEY = dg.AssetCheckKey(dg.AssetKey("toy"), "toy_check")


def _run(instance, passed: bool | None) -> str:
    """One run; passed=None runs the asset without its check (no evaluation of it)."""
    if passed is None:
        return dg.materialize([toy], instance=instance, selection=dg.AssetSelection.assets(toy).without_checks()).run_id
    config = {"ops": {"toy_toy_check": {"config": {"passed": passed}}}}
    return dg.materialize([toy, toy_check], instance=instance, run_config=config).run_id


def test_the_outcome_before_a_run_skips_that_run_later_runs_and_runs_without_the_check(instance):
    first = _run(instance, passed=False)
    assert previous_outcome(instance, KEY, first) is None  # nothing before the first evaluation
    second = _run(instance, passed=True)
    assert previous_outcome(instance, KEY, second) is False
    _run(instance, passed=None)
    fourth = _run(instance, passed=False)
    assert previous_outcome(instance, KEY, fourth) is True  # the run without the check is skipped
    assert previous_outcome(instance, KEY, second) is False  # later runs are not "before"
    assert previous_outcome(instance, KEY, "a-run-that-never-evaluated-it") is False  # the latest one
    other = dg.AssetCheckKey(dg.AssetKey("toy"), "never_defined")
    assert previous_outcomes(instance, [KEY, other], fourth) == {KEY: True, other: None}
