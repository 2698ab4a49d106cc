"""The shape of raw Glaive rows: bytes per line, user turns, calls and functions per row.

    python -m glaive_assets.benchmarks.row_shape                     # real rows (if present) vs the generator
    python -m glaive_assets.benchmarks.row_shape --rows 5000 --seed 0
    python -m glaive_assets.benchmarks.row_shape some_rows.jsonl ...  # any raw JSON-lines file

One function, `measure_lines`, measures any raw rows the same way, so the generator's rows and the real
ones are compared like for like:
- bytes: each JSON line's length in bytes, without its newline (mean, and p90 by nearest rank);
- user turns: `USER:` turns as the core's parser counts them (ParsedChat.num_user_turns);
- calls: call attempts, read or not (ParsedChat.num_call_attempts);
- functions: distinct function names the system prompt declares (SystemPrompt.names).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from glaive_assets.benchmarks.real_rows import real_glaive_lines, shared_glaive_dir
from glaive_assets.core.parse import parse_chat, parse_system
from glaive_assets.sources.sample import iter_sample_rows

# What "matches" means (issue 13): each figure within 10% of the real rows'.
TOLERANCE = 0.10
FIGURES = ("bytes_mean", "bytes_p90", "user_turns_mean", "calls_mean", "functions_mean")


@dataclass(frozen=True)
class RowShape:
    rows: int
    bytes_mean: float
    bytes_p90: int
    user_turns_mean: float
    calls_mean: float
    functions_mean: float


def nearest_rank(sorted_values: list[int], fraction: float) -> int:
    """The smallest value with at least `fraction` of the values at or below it."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def measure_lines(lines: Iterable[bytes]) -> RowShape:
    """The shape of raw rows given as JSON lines (bytes, newline optional); blank lines are skipped."""
    sizes: list[int] = []
    user_turns = calls = functions = 0
    for line in lines:
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        row = orjson.loads(line)
        chat = parse_chat(row["chat"])
        sizes.append(len(line))
        user_turns += chat.num_user_turns
        calls += chat.num_call_attempts
        functions += len(parse_system(row["system"]).names)
    if not sizes:
        raise ValueError("no rows to measure")
    rows = len(sizes)
    return RowShape(rows, sum(sizes) / rows, nearest_rank(sorted(sizes), 0.9), user_turns / rows,
                    calls / rows, functions / rows)


def measure_jsonl(path: Path) -> RowShape:
    with open(path, "rb") as handle:
        return measure_lines(handle)


def generated_lines(rows: int, seed: int) -> list[bytes]:
    """The generator's rows as the raw artifact holds them: one orjson.dumps line each."""
    return [orjson.dumps(row) for _, row in iter_sample_rows(rows, seed)]


def deviations(shape: RowShape, reference: RowShape) -> dict[str, float]:
    """Each figure's relative difference from the reference's: (shape - reference) / reference."""
    mine, theirs = asdict(shape), asdict(reference)
    return {name: (mine[name] - theirs[name]) / theirs[name] for name in FIGURES}


def format_table(columns: dict[str, RowShape]) -> str:
    """A plain-text table, one column per measured set of rows."""
    widths = {name: max(14, len(name)) + 2 for name in columns}
    lines = [f"{'figure':<16}" + "".join(f"{name:>{widths[name]}}" for name in columns)]
    for figure in ("rows", *FIGURES):
        cells = []
        for name, shape in columns.items():
            value = getattr(shape, figure)
            cells.append(f"{value:>{widths[name]},}" if isinstance(value, int) else f"{value:>{widths[name]},.2f}")
        lines.append(f"{figure:<16}" + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="raw JSON-lines files to measure as well")
    parser.add_argument("--rows", type=int, default=5_000, help="generated rows to measure")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    columns: dict[str, RowShape] = {}
    folder = shared_glaive_dir()
    if folder is not None:
        columns["real (606)"] = measure_lines(real_glaive_lines(folder))
    columns[f"generated (seed {args.seed})"] = measure_lines(generated_lines(args.rows, args.seed))
    for path in args.files:
        columns[path.name] = measure_jsonl(path)
    print(format_table(columns))
    if folder is None:
        print("\n(../shared/glaive is absent: no real rows to compare with)")
        return 0
    real = columns.pop("real (606)")
    worst = 0.0
    for name, shape in columns.items():
        spread = deviations(shape, real)
        print(f"\n{name} vs real: " + ", ".join(f"{figure} {value:+.1%}" for figure, value in spread.items()))
        worst = max(worst, *map(abs, spread.values()))
    print(f"\nlargest difference {worst:.1%} (tolerance {TOLERANCE:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
