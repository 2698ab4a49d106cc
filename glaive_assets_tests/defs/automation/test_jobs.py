"""glaive_refresh: every artifact asset, from glaive_raw down, with their checks."""

from glaive_assets.defs.automation.jobs import glaive_refresh_job
from glaive_assets_tests.harness.dagster_helpers import code_location


def test_the_refresh_job_selects_glaive_raw_and_everything_downstream():
    job = code_location().get_repository_def().get_job("glaive_refresh")
    assert job is not None and job.name == glaive_refresh_job.name
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert selected == {"glaive_raw", "glaive_processed", "glaive_rejects", "validation_report", "glaive_chatml",
                        "anomaly_report", "bias_report", "pipeline_summary", "training_set", "training_report",
                        "export_hf", "export_openai", "export_sharegpt"}
    assert len(job.asset_layer.asset_graph.asset_check_keys) == 13 + 4  # the job's own graph: its checks only
    assert sorted(job.graph.node_dict) == ["glaive_chatml", "glaive_raw", "pipeline_summary", "processed_and_rejects",
                                           "quality_reports", "training_exports", "training_set_and_report",
                                           "validation_report_schema_suite"]
