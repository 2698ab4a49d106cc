"""The core and graph benchmarks on the real-row corpus, with a stand-in for ../shared/glaive.

The stand-in folder holds our own rows under the shared folder's file names, so these tests run (and can
fail) anywhere; the graph itself is not run here (a Dagster run per size is the benchmark's job).
"""

from __future__ import annotations

import json
import re

import orjson
import pytest

from glaive_assets.benchmarks import core as core_benchmark
from glaive_assets.benchmarks import graph as graph_benchmark
from glaive_assets.benchmarks import real_rows
from glaive_assets.sources.sample import iter_sample_rows

PLAIN = {"system": "SYSTEM: You are a helpful assistant, with no access to external functions.\n\n",
         "chat": "USER: What is 2 + 2?\n\n\nASSISTANT: 4. <|endoftext|>\n\n\n"}


@pytest.fixture
def shared_folder(tmp_path, monkeypatch):
    """Four rows: two raw, one from each ShareGPT file."""
    folder = tmp_path / "glaive"
    folder.mkdir()
    raw = json.dumps(PLAIN)
    (folder / "glaive_v2_rows_0_4.jsonl").write_text(raw + "\n" + raw.replace("2 + 2", "3 + 3") + "\n")
    (folder / "glaive_v2_row_25475.jsonl").write_text("")
    for name, question in (("glaive_toolcall_en_demo.json", "Hi"), ("glaive_toolcall_zh_demo.json", "你好")):
        row = {"tools": "[]", "conversations": [{"from": "human", "value": question}, {"from": "gpt", "value": "Hello!"}]}
        (folder / name).write_text(json.dumps([row], ensure_ascii=False), encoding="utf-8")
    for module in (core_benchmark, graph_benchmark):
        monkeypatch.setattr(module, "shared_glaive_dir", lambda: folder)
    return folder


def test_core_benchmark_reports_the_generated_and_the_real_corpus(shared_folder, capsys):
    assert core_benchmark.main(["--rows", "60", "--repeat", "1", "--real-rows", "10"]) == 0
    out = capsys.readouterr().out
    assert "== generated corpus: 60 rows" in out
    assert f"== real corpus: the 4 rows of {shared_folder} repeated to 10 rows" in out
    assert "outcome: 10 processed, 0 rejected" in out
    assert len(re.findall(r"core transform / bare decode = [\d.]+x", out)) == 2


def test_core_benchmark_real_corpus_defaults_to_the_generated_size_and_can_be_skipped(shared_folder, capsys):
    core_benchmark.main(["--rows", "12", "--repeat", "1"])
    assert "repeated to 12 rows" in capsys.readouterr().out
    core_benchmark.main(["--rows", "12", "--repeat", "1", "--real-rows", "0"])
    assert "real corpus" not in capsys.readouterr().out


def test_graph_benchmark_inputs_are_the_generated_rows_or_the_real_rows_repeated(shared_folder, tmp_path):
    generated = tmp_path / "generated.jsonl"
    size = graph_benchmark.write_input("generated", 25, generated)
    lines = generated.read_bytes().splitlines()
    assert lines == [orjson.dumps(row) for _, row in iter_sample_rows(25, graph_benchmark.SEED)]
    assert size == generated.stat().st_size

    real = tmp_path / "real.jsonl"
    graph_benchmark.write_input("real", 9, real)
    four = real_rows.real_glaive_lines(shared_folder)
    assert real.read_bytes().splitlines() == (four * 3)[:9]
    assert graph_benchmark.bare_decode_seconds(real, repeat=1) > 0


def test_graph_benchmark_verdicts_apply_the_issue_targets():
    walls = {("generated", 112_960): 15.0}
    at_113k = {"input": "generated", "rows": 112_960, "wall_s": 15.0, "ratio": 25.0, "peak_tree_rss_mib": 900.0}
    assert graph_benchmark.verdicts(at_113k, walls) == "wall <= 20 s: met; <= 20x bare: MISSED"
    at_1m = {"input": "generated", "rows": 1_000_000, "wall_s": 170.0, "ratio": 30.0, "peak_tree_rss_mib": 1100.0}
    assert graph_benchmark.verdicts(at_1m, walls) == (
        "tree RSS <= 1024 MiB: MISSED; wall <= 11x the 112,960-row run: MISSED")
    assert graph_benchmark.verdicts({**at_1m, "wall_s": 160.0, "peak_tree_rss_mib": 700.0}, walls) == (
        "tree RSS <= 1024 MiB: met; wall <= 11x the 112,960-row run: met")
    assert graph_benchmark.verdicts({**at_113k, "rows": 2_000}, walls) == ""
