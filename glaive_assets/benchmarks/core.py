"""Throughput of the core transform against a bare orjson decode of the same lines.

    python -m glaive_assets.benchmarks.core --rows 100000 --real-rows 112960 [--seed 0] [--repeat 3] [--caches]

Corpora, each row encoded once as a JSON line (bytes), as the raw artifact holds them:
- generated: `--rows` rows from glaive_assets.sources.sample, whose rows have the real rows' shape
  (bytes, turns, calls, functions; see benchmarks/row_shape.py) and every quirk at its rate;
- real: where ../shared/glaive exists, its 606 real rows (benchmarks.real_rows) repeated in order to
  `--real-rows` rows (default: as many as --rows; 112,960 is the real dataset's size; 0 skips them).

Timed for each corpus, one core:

- bare decode: orjson.loads of every line;
- (floor) orjson.dumps of the processed/ChatML/reject objects, built beforehand: writing the output
  bytes alone, which the transform cannot avoid (the outputs are several times the input's size);
- process_row: orjson.loads + process_row (parse, validate, features), no output;
- core transform: raw line in -> processed line + ChatML line out (bytes), or the reject line:
  orjson.loads, process_row, to_chatml, dumps_line.

Every repeat starts from empty caches (parsed system prompts, compiled validators), like a fresh
run over the dataset; the best repeat is reported. Times are this process's CPU time
(time.process_time), so other work on the machine does not inflate them. The target is core
transform <= 8x bare decode.

--caches measures instead what each cache and fast path of the core is worth: loads + process_row
with that one switched off, against everything on (the figures quoted beside them in the core).
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.benchmarks.real_rows import real_glaive_lines, repeat_lines, shared_glaive_dir
from glaive_assets.core.parse import parse_chat, parse_system
from glaive_assets.core.schemas import compile_declared, compiled_parameters
from glaive_assets.core.transform import clear_caches, process_row
from glaive_assets.core.validate import call_codes, jsonschema_codes
from glaive_assets.sources.sample import iter_sample_rows

TARGET_RATIO = 8.0


@dataclass
class Timing:
    name: str
    seconds: float
    rows: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")

    @property
    def microseconds_per_row(self) -> float:
        return self.seconds / self.rows * 1e6 if self.rows else 0.0


def build_corpus(rows: int, seed: int) -> list[bytes]:
    """The sample rows as raw JSON lines (bytes), generated once, outside the timings."""
    return [orjson.dumps(row) for _, row in iter_sample_rows(rows, seed)]


def bare_decode(lines: list[bytes]) -> int:
    loads = orjson.loads
    for line in lines:
        loads(line)
    return len(lines)


def process_only(lines: list[bytes]) -> int:
    loads = orjson.loads  # as the transform reads raw lines (storage/stages.py split_lines)
    for index, line in enumerate(lines):
        process_row(loads(line), index)
    return len(lines)


def core_transform(lines: list[bytes]) -> int:
    """Raw line in, processed + ChatML lines (or a reject line) out; returns output bytes written."""
    loads = orjson.loads  # as the transform reads raw lines (storage/stages.py split_lines)
    written = 0
    for index, line in enumerate(lines):
        outcome = process_row(loads(line), index)
        processed = outcome.processed
        if processed is not None:
            written += len(dumps_line(processed)) + len(dumps_line(to_chatml(processed)))
        else:
            written += len(dumps_line(outcome.reject))
    return written


def output_floor(lines: list[bytes], chunk: int = 5_000) -> float:
    """CPU seconds of orjson.dumps over the outputs alone (processed + ChatML, or the reject), built
    beforehand chunk by chunk so they never all sit in memory: the cost of writing, with no work."""
    dumps = orjson.dumps
    seconds = 0.0
    for first in range(0, len(lines), chunk):
        outputs = []
        for index, line in enumerate(lines[first:first + chunk], start=first):
            outcome = process_row(orjson.loads(line), index)
            if outcome.processed is not None:
                outputs.append(outcome.processed)
                outputs.append(to_chatml(outcome.processed))
            else:
                outputs.append(outcome.reject)
        started = time.process_time()
        for obj in outputs:
            dumps(obj)
        seconds += time.process_time() - started
    return seconds


def measure_validation(lines: list[bytes], sample_rows: int = 20_000) -> str:
    """jsonschema's cost per call, with and without the shape memo, over the calls of the first rows."""
    clear_caches()  # fresh compiled schemas: their memos start empty
    calls = []
    for line in lines[:sample_rows]:
        row = orjson.loads(line)
        validators = compile_declared(parse_system(row["system"]).signatures)
        calls.extend((call["name"], call["arguments"], validators) for call in parse_chat(row["chat"]).calls)
    if not calls:
        return "validation: no calls in the corpus"
    started = time.process_time()
    for name, arguments, validators in calls:
        call_codes(name, arguments, validators)
    memo_seconds = time.process_time() - started
    started = time.process_time()
    for name, arguments, validators in calls:
        if name in validators:
            jsonschema_codes(validators[name], arguments)
    plain_seconds = time.process_time() - started
    memo_entries = sum(len(compiled.memo or {}) for compiled in compiled_parameters())
    return (f"validation of {len(calls):,} calls: jsonschema every time {plain_seconds / len(calls) * 1e6:.1f} us/call; "
            f"with the shape memo (cold, {memo_entries:,} shapes for {len(compiled_parameters())} schemas) "
            f"{memo_seconds / len(calls) * 1e6:.1f} us/call")


def best_of(name: str, work: Callable[[list[bytes]], int], lines: list[bytes], repeat: int) -> Timing:
    best = float("inf")
    for _ in range(repeat):
        clear_caches()
        gc.collect()
        started = time.process_time()
        work(lines)
        best = min(best, time.process_time() - started)
    return Timing(name, best, len(lines))


def cache_switches() -> dict[str, list[tuple[Any, str, Any]]]:
    """Each cache or fast path of the core, as the module attributes that switch it off. The core has
    no switches of its own: these swaps reach into its modules on purpose, for this measurement only."""
    from glaive_assets.core import features, schemas, transform
    from glaive_assets.core.parse import calls, system
    from glaive_assets.core.prompts import PromptCache

    def every_anchor(lowered: str) -> bool:
        return any(anchor in lowered for anchor in features.REFUSAL_ANCHORS)

    return {
        "prompt cache (core/transform.py)": [(transform, "_PROMPTS", PromptCache(max_entries=0))],
        "schema block cache (core/parse/system.py)": [
            (system, "_read_block_cached", lru_cache(maxsize=0)(system._read_block))],
        "schema verdicts by skeleton (core/validate.py)": [
            (schemas, "check_schema", schemas.CallValidator.check_schema)],
        "verdicts by argument shape (core/validate.py)": [(schemas, "_shape_only", lambda schema: (False, False))],
        "one match for Glaive's call form (core/parse/calls.py)": [(calls, "_GLAIVE_CALL", re.compile(r"(?!)"))],
        "refusal anchors before the regex (core/features.py)": [
            (features, "has_refusal_anchor", lambda lowered: True)],
        "anchors grouped by shared piece (core/features.py)": [(features, "has_refusal_anchor", every_anchor)],
    }


def measure_caches(lines: list[bytes], rounds: int) -> list[str]:
    """CPU seconds of loads + process_row with each switch off, against everything on: the best of
    `rounds`, the variants interleaved so that other load on the machine falls on all of them."""
    switches = {"(everything on)": [], **cache_switches()}
    best = dict.fromkeys(switches, float("inf"))
    for _ in range(rounds):
        for name, swaps in switches.items():
            saved = [(module, attribute, getattr(module, attribute)) for module, attribute, _ in swaps]
            for module, attribute, value in swaps:
                setattr(module, attribute, value)
            try:
                best[name] = min(best[name], best_of(name, process_only, lines, 1).seconds)
            finally:
                for module, attribute, value in saved:
                    setattr(module, attribute, value)
    base = best["(everything on)"]
    return [f"{name:<58} {seconds:8.3f} s {(seconds / base - 1) * 100:+7.1f}%" for name, seconds in best.items()]


def report_corpus(lines: list[bytes], repeat: int) -> None:
    """Outcome, the stage timings and the validation cost of one corpus, printed."""
    corpus_mb = sum(map(len, lines)) / 1e6
    rejected = sum(process_row(orjson.loads(line), index).processed is None for index, line in enumerate(lines))
    output_mb = core_transform(lines) / 1e6
    print(f"outcome: {len(lines) - rejected:,} processed, {rejected:,} rejected; "
          f"{output_mb:.1f} MB of processed + ChatML + reject lines ({output_mb / corpus_mb:.1f}x the input)")

    floor = min(output_floor(lines) for _ in range(repeat))
    timings = [
        best_of("bare orjson.loads", bare_decode, lines, repeat),
        Timing("(floor) orjson.dumps of the outputs", floor, len(lines)),
        best_of("loads + process_row", process_only, lines, repeat),
        best_of("core transform (line in -> lines out)", core_transform, lines, repeat),
    ]
    bare = timings[0]
    print(f"\n{'stage':<40} {'seconds':>9} {'rows/s':>11} {'us/row':>8} {'x bare':>7}")
    for timing in timings:
        ratio = timing.seconds / bare.seconds
        print(f"{timing.name:<40} {timing.seconds:>9.3f} {timing.rows_per_second:>11,.0f} "
              f"{timing.microseconds_per_row:>8.2f} {ratio:>7.1f}")
    print(f"\n{measure_validation(lines)}")
    ratio = timings[-1].seconds / bare.seconds
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"\ncore transform / bare decode = {ratio:.1f}x ({verdict} the {TARGET_RATIO:.0f}x target); "
          f"{timings[-1].rows_per_second:,.0f} rows/s on one core")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--caches", action="store_true", help="what each cache and fast path is worth")
    parser.add_argument("--real-rows", type=int, default=None,
                        help="real rows repeated to this many, where ../shared/glaive exists (default: --rows; 0: none)")
    args = parser.parse_args(argv)
    if args.rows <= 0:
        parser.error("--rows must be positive")
    real_rows = args.rows if args.real_rows is None else args.real_rows

    started = time.perf_counter()
    lines = build_corpus(args.rows, args.seed)
    print(f"== generated corpus: {len(lines):,} rows, {sum(map(len, lines)) / 1e6:.1f} MB of JSON lines "
          f"(glaive_assets.sources.sample, seed {args.seed}; built in {time.perf_counter() - started:.1f} s)")
    if args.caches:
        print(f"\nloads + process_row with one cache or fast path off (best of {args.repeat}, CPU seconds):")
        print("\n".join(measure_caches(lines, args.repeat)))
        return 0
    report_corpus(lines, args.repeat)
    del lines

    folder = shared_glaive_dir() if real_rows > 0 else None
    if real_rows > 0 and folder is None:
        print("\n(../shared/glaive is absent: no real-row corpus)")
    if folder is not None:
        real = real_glaive_lines(folder)
        lines = list(repeat_lines(real, real_rows))
        print(f"\n== real corpus: the {len(real)} rows of {folder} repeated to {len(lines):,} rows, "
              f"{sum(map(len, lines)) / 1e6:.1f} MB of JSON lines")
        report_corpus(lines, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
