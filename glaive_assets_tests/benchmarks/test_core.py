"""The core benchmark script runs end to end on a small corpus and reports every figure it promises."""

from __future__ import annotations

import re

from glaive_assets.benchmarks import core as benchmark


def test_benchmark_reports_rates_and_the_ratio(capsys):
    assert benchmark.main(["--rows", "400", "--repeat", "1", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "corpus: 400 rows" in out
    assert re.search(r"outcome: [\d,]+ processed, [\d,]+ rejected", out)
    for stage in ("bare orjson.loads", "(floor) orjson.dumps of the outputs", "loads + process_row",
                  "core transform (line in -> lines out)"):
        line = next(line for line in out.splitlines() if line.startswith(stage))
        figures = [float(figure.replace(",", "")) for figure in line[len(stage):].split()]
        assert len(figures) == 4 and all(figure > 0 for figure in figures)  # s, rows/s, us/row, x bare
    ratio = re.search(r"core transform / bare decode = ([\d.]+)x \((meets|misses) the 8x target\)", out)
    assert ratio and float(ratio.group(1)) > 1.0


def test_core_transform_writes_one_or_two_lines_per_row():
    lines = benchmark.build_corpus(50, 1)
    assert len(lines) == 50 and all(line.startswith(b"{") for line in lines)
    written = benchmark.core_transform(lines)
    assert written > sum(map(len, lines))  # processed records carry the raw text and more


def test_cache_figures_name_every_switch_and_restore_the_core(capsys):
    from glaive_assets.core import features, transform
    from glaive_assets.core.parse import calls

    before = (transform._PROMPTS, calls._GLAIVE_CALL, features.has_refusal_anchor)
    assert benchmark.main(["--rows", "300", "--repeat", "1", "--caches"]) == 0
    out = capsys.readouterr().out
    for name in ["(everything on)", *benchmark.cache_switches()]:
        line = next(line for line in out.splitlines() if line.startswith(name))
        assert re.search(r"\d+\.\d{3} s +[+-]\d+\.\d%$", line), line
    assert (transform._PROMPTS, calls._GLAIVE_CALL, features.has_refusal_anchor) == before
