"""The schema suite in its own process gives the same report as in this one, and fails loudly."""

import orjson
import pytest

from glaive_assets.qa.schema import run_schema_suite
from glaive_assets.qa.schema_worker import SchemaSuiteWorker
from glaive_assets_tests.fixtures.qa.records import make_processed_records


def test_worker_report_equals_in_process_report(tmp_path):
    records = make_processed_records(40)
    records[3]["num_turns"] = 51  # one real breach, so the report is not trivially all-pass
    path = tmp_path / "processed.jsonl"
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))

    with SchemaSuiteWorker() as worker:
        report = worker.validate(path, requested_size=50, source_rows=50)
    expected = run_schema_suite(iter(records), requested_size=50, source_rows=50)
    assert report == orjson.loads(orjson.dumps(expected))
    assert report["success"] is False
    assert report["row_count_bounds"] == [40, 50]


def test_worker_failure_is_a_clear_error(tmp_path):
    with SchemaSuiteWorker() as worker:
        with pytest.raises(RuntimeError, match="schema suite failed in its process") as error:
            worker.validate(tmp_path / "missing.jsonl", requested_size=0, source_rows=0)
    assert "FileNotFoundError" in str(error.value)


def test_the_parent_works_between_submit_and_result(tmp_path):
    path = tmp_path / "processed.jsonl"
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in make_processed_records(12)))
    with SchemaSuiteWorker() as worker:
        worker.submit(path, requested_size=12, source_rows=12)  # returns before the suite has run
        lines_counted_meanwhile = len(path.read_bytes().splitlines())
        report = worker.result()
    assert (report["row_count"], report["success"], lines_counted_meanwhile) == (12, True, 12)


def test_a_worker_that_died_is_a_clear_error(tmp_path):
    with SchemaSuiteWorker() as worker:
        worker._process.kill()
        worker._process.join()
        with pytest.raises(RuntimeError, match=r"the schema-suite process died \(exit code -9\)"):
            worker.validate(tmp_path / "processed.jsonl", requested_size=0, source_rows=0)


def test_closing_an_unused_worker_stops_its_process():
    worker = SchemaSuiteWorker()
    worker.close()
    assert not worker._process.is_alive()
