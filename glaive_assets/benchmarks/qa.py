"""Time and peak memory of the QA steps on synthetic processed records.

    python -m glaive_assets.benchmarks.qa                      # schema suite and stats pass at 5k and 113k
    python -m glaive_assets.benchmarks.qa --rows 1000000 --step schema

Each (rows, step) runs in a fresh child process so that its peak RSS is its own. Records are made
on the fly by a generator (never a list), ~3 KB each like the real ones, so the figures include
building the records but not reading a file; --from-jsonl writes them to a temporary JSON-lines
file first and streams that back with orjson, as the pipeline does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from glaive_assets.core import records

_SCHEMA_TEMPLATE = (
    '{{\n    "name": "{name}",\n    "description": "Look up {topic} for the user",\n    "parameters": {{\n'
    '        "type": "object",\n        "properties": {{\n            "query": {{\n'
    '                "type": "string",\n                "description": "What to look up about {topic}"\n'
    '            }},\n            "limit": {{\n                "type": "integer",\n'
    '                "description": "How many results to return"\n            }}\n        }},\n'
    '        "required": [\n            "query"\n        ]\n    }}\n}}\n'
)
_NAMES = ("get_stock_price", "get_weather", "book_flight", "search_recipes", "get_news_headlines",
          "calculate_bmi", "send_email", "create_todo", "generate_password", "frobnicate_widget")


def synthetic_record(index: int, rng: random.Random) -> dict[str, Any]:
    """One processed record with plausible sizes and a spread of tiers, buckets and flags."""
    name = _NAMES[index % len(_NAMES)]
    has_functions = rng.random() < 0.7
    user_turns = rng.choice((1, 1, 1, 2, 2, 3, 4, 6))
    calls = min(rng.choice((0, 0, 1, 1, 1, 2, 3)), user_turns) if has_functions else 0
    system = "SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n"
    system += _SCHEMA_TEMPLATE.format(name=name, topic=name.replace("_", " ")) if has_functions else ""
    turn_text = "USER: Could you help me with something about " + name.replace("_", " ") + " please?" * 4
    chat = "\n\n\n".join([turn_text, "ASSISTANT: Of course, here is what I found for you. " * 6 + "<|endoftext|>"] * user_turns)
    tier = ("none", "simple", "moderate", "complex")[min(calls, 3)]
    return {
        "source_index": index,
        "record_id": f"{index:016x}",
        "system": system,
        "chat": chat,
        "instruction": "You are a helpful assistant with access to the following functions. Use them if required -",
        "tools": [{"name": name, "description": "Look up things", "parameters": {"type": "object", "properties": {}}}]
        if has_functions else [],
        "turns": [{"role": "user", "content": turn_text}, {"role": "assistant", "content": "Of course."}] * user_turns,
        "num_turns": user_turns,
        "num_assistant_turns": user_turns,
        "num_calls": calls,
        "num_function_responses": calls,
        "num_defined_functions": int(has_functions),
        "defined_function_names": [name] if has_functions else [],
        "function_calls": [{"name": name, "arguments": {"query": "x"}}] * calls,
        "function_signatures": {name: {"description": "Look up things", "parameters": ["query", "limit"],
                                       "required": ["query"]}} if has_functions else {},
        "complexity_tier": tier,
        "turn_bucket": ("single", "short", "short", "medium", "medium", "long", "long")[min(user_turns - 1, 6)],
        "call_bucket": ("no_calls", "one_call", "two_calls", "many_calls")[min(calls, 3)],
        "has_parallel": False,
        "has_multiple_calls": calls > 1,
        "has_defined_functions": has_functions,
        "has_malformed": False,
        "has_function_error_response": rng.random() < 0.03,
        "has_refusal": rng.random() < 0.1,
        "has_error_handling": rng.random() < 0.04,
        "malformed_reasons": [],
        "validation_errors": ["unknown_argument: limit"] if rng.random() < 0.02 else [],
        "structure_warnings": [],
    }


def synthetic_records(count: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    return (synthetic_record(index, rng) for index in range(count))


def synthetic_rejects(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for index in range(count):
        features = None
        if rng.random() < 0.6:
            features = {column: 0 for column in records.COUNT_COLUMNS}
            features.update({column: False for column in records.FLAG_COLUMNS})
            features.update(complexity_tier="malformed", turn_bucket="single", call_bucket="one_call")
        yield {"source_index": index, "record_id": str(index), "reasons": ["call_truncated"],
               "raw": {"system": "SYSTEM: x", "chat": "USER: y"}, "features": features}


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_one(rows: int, step: str, from_jsonl: bool) -> dict[str, Any]:
    """Run one step in this process and return its figures."""
    source: Any = synthetic_records(rows)
    path = None
    if from_jsonl:
        import orjson

        from glaive_assets.core.jsonio import read_jsonl

        handle, path = tempfile.mkstemp(suffix=".jsonl")
        with os.fdopen(handle, "wb") as out:
            for record in source:
                out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        size_mib = os.path.getsize(path) / 2**20
        source = read_jsonl(path)
    started = time.perf_counter()
    if step == "schema":
        import great_expectations  # noqa: F401  # timed apart: every run pays it once

        imported = time.perf_counter()
        from glaive_assets.qa.schema import run_schema_suite

        report = run_schema_suite(source, requested_size=rows, source_rows=rows)
        outcome = {"gx_import_s": round(imported - started, 2), "suite_s": round(time.perf_counter() - imported, 2),
                   "passed": f"{report['passed']}/{report['total']}", "chunks": report["chunks_validated"]}
    else:
        from glaive_assets.qa.anomaly import compute_pipeline_stats, evaluate_anomalies
        from glaive_assets.qa.bias import analyze_bias

        stats = compute_pipeline_stats(source, synthetic_rejects(rows // 50))
        counted = time.perf_counter()
        evaluate_anomalies(stats, requested_size=rows)
        analyze_bias(stats)
        outcome = {"stats_pass_s": round(counted - started, 2), "reports_s": round(time.perf_counter() - counted, 3)}
    if path:
        outcome["jsonl_mib"] = round(size_mib, 1)
        os.unlink(path)
    return {"rows": rows, "step": step, "from_jsonl": from_jsonl, **outcome, "peak_rss_mib": round(_peak_rss_mib())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[5_000, 112_960])
    parser.add_argument("--step", choices=("schema", "stats"), nargs="+", default=["schema", "stats"])
    parser.add_argument("--from-jsonl", action="store_true", help="stream the records back from a temporary file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(args.rows[0], args.step[0], args.from_jsonl)))
        return
    for rows in args.rows:
        for step in args.step:
            command = [sys.executable, "-m", "glaive_assets.benchmarks.qa", "--child", "--rows", str(rows), "--step", step]
            if args.from_jsonl:
                command.append("--from-jsonl")
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
