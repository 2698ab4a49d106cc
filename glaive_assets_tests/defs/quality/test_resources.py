"""The GX process resource: its process runs while the resources are set up (a run), and only then."""

import dagster as dg
import pytest

from glaive_assets.defs.quality.resources import SchemaSuiteProcess, resources


def test_the_process_lives_as_long_as_the_run_s_resources():
    with dg.build_resources({"schema_suite_process": SchemaSuiteProcess()}) as built:
        worker = built.schema_suite_process.worker
        assert worker._process.is_alive()
    assert not worker._process.is_alive()


def test_outside_a_run_there_is_no_process_to_use():
    with pytest.raises(RuntimeError, match="starts with a run; it cannot be used outside one"):
        SchemaSuiteProcess().worker


def test_the_location_offers_it_under_its_key():
    assert isinstance(resources().resources["schema_suite_process"], SchemaSuiteProcess)
