"""LLaMA-Factory's 2 x 300 ShareGPT demo rows in ../shared/glaive read directly as a source (skipped where
that folder is absent): the layout is detected, and every row is processed or rejected with a reason."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import orjson
import pytest

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.readers import iter_source_rows
from glaive_assets.storage.source_check import check_first_rows
from glaive_assets.storage.stages import split_raw, write_raw

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "glaive"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"real rows not available: {SHARED} is absent")


def run_source(data_dir: Path, source: Path) -> tuple[str, list, list]:
    settings = SourceSettings(str(source), 0, 1)
    row_format, rows = check_first_rows(iter_source_rows(settings), settings)
    raw = write_raw(data_dir, rows, settings, row_format)
    assert {orjson.loads(line)["format"] for line in raw.iter_lines()} == {row_format}
    processed, rejects, _ = split_raw(data_dir, raw)
    return row_format, list(processed.iter_records()), list(rejects.iter_records())


@pytest.mark.parametrize(("name", "expected"), [
    # processed, calls, validation errors; rejects by reason
    ("glaive_toolcall_en_demo.json", (300, 211, {"argument_type_mismatch": 1}, {})),
    ("glaive_toolcall_zh_demo.json",
     (298, 216, {"missing_required_argument": 4, "argument_enum_mismatch": 2}, {"orphan_function_response": 2})),
])
def test_the_demo_rows_are_read_as_sharegpt_and_every_row_is_accounted_for(tmp_path, name, expected):
    source = tmp_path / (name + ".gz")  # compressed on the way, as the hub ships files
    source.write_bytes(gzip.compress((SHARED / name).read_bytes()))
    row_format, processed, rejects = run_source(tmp_path / "data", source)
    assert row_format == "sharegpt"
    assert len(processed) + len(rejects) == 300
    assert sorted(r["source_index"] for r in processed + rejects) == list(range(300))
    errors = Counter(code for record in processed for code in record["validation_errors"])
    reasons = Counter(code for reject in rejects for code in reject["reasons"])
    assert (len(processed), sum(r["num_calls"] for r in processed), dict(errors), dict(reasons)) == expected
    assert all(record["structure_warnings"] == [] for record in processed)
