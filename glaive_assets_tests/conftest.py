import dagster as dg
import pytest


@pytest.fixture
def instance(tmp_path):
    """A temporary DAGSTER_HOME: runs, events and check evaluations land here, not in ~/.dagster."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as test_instance:
        yield test_instance


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    return path
