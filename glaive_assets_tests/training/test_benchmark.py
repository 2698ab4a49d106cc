"""The training benchmark's corpus and its child-process run, end to end at a small size."""

from glaive_assets.benchmarks.training import _eval_questions, measure


def test_eval_questions_plant_one_sample_request_in_fifty():
    questions = _eval_questions(100, seed=1)
    assert len(questions) == 100
    invented = [question for index, question in enumerate(questions) if index % 50]
    assert all(len(question.split()) == 20 for question in invented)
    assert len(questions[0].split()) >= 13 and len(questions[50].split()) >= 13


def test_the_stage_runs_in_a_child_and_reports_its_figures():
    figures = measure(600, seed=42, eval_items=100)
    assert set(figures["steps"]) == {"build_training_set", "check_split_leakage", "check_decontaminated", "report"}
    assert figures["sample_rows"] == 600
    assert figures["accounting_ok"] is figures["leakage_ok"] is figures["decontaminated_ok"] is True
    assert sum(figures["rows"].values()) == figures["chatml_rows"]
    assert sum(figures["dropped"].values()) == figures["rows"]["dropped"]
    assert figures["peak_rss_mib"] >= figures["rss_after_imports_mib"] > 0


def test_the_minhash_comparison_reports_speed_and_accuracy():
    from glaive_assets.benchmarks.training import compare_minhash

    report = compare_minhash(300, seed=42)
    assert report.startswith("training.minhash over ")
    assert "correlation" in report and "mean absolute error" in report
