"""Throughput of the sample generator and the file readers.

    python -m glaive_assets.benchmarks.sources [--generate 1000000] [--rows 112960] [--sample-size 5000]
    python -m glaive_assets.benchmarks.sources --generate 100000 --generate-only   # the generator alone

Generates --generate rows (timed, not kept), then writes --rows generated rows as .jsonl and as an
indented .json array (the hub file's shape) into a temporary directory, and times reading each one
whole and sampled, plus the sha256 fingerprint. The files are deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from glaive_assets.config.settings import SourceSettings
from glaive_assets.sources.fingerprint import source_fingerprint
from glaive_assets.sources.readers import iter_source_rows
from glaive_assets.sources.sample import SAMPLE_ALL_ROWS, iter_sample_rows


def _timed(label: str, rows, scanned: int) -> float:
    started = time.perf_counter()
    count = sum(1 for _ in rows)
    seconds = time.perf_counter() - started
    print(f"{label}: {count:,} rows in {seconds:.2f} s ({scanned / seconds:,.0f} source rows/s)")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", type=int, default=1_000_000, help="rows to generate for the timing")
    parser.add_argument("--rows", type=int, default=SAMPLE_ALL_ROWS, help="rows in the files the readers read")
    parser.add_argument("--sample-size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--generate-only", action="store_true", help="time the generator, skip the files")
    args = parser.parse_args(argv)

    _timed(f"generate {args.generate:,} rows", iter_sample_rows(args.generate, args.seed), args.generate)
    if args.generate_only:
        return
    with tempfile.TemporaryDirectory(prefix="glaive-sources-bench-") as folder:
        jsonl, array = Path(folder) / "rows.jsonl", Path(folder) / "rows.json"
        rows = [row for _, row in iter_sample_rows(args.rows, args.seed)]
        with jsonl.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        with array.open("w", encoding="utf-8") as out:
            json.dump(rows, out, indent=2)
        del rows
        for path in (jsonl, array):
            print(f"{path.name}: {os.path.getsize(path) / 1e6:.0f} MB")
            _timed(f"  read all of {path.name}", iter_source_rows(SourceSettings(str(path), 0, args.seed)), args.rows)
            _timed(f"  sample {args.sample_size:,} from {path.name}",
                   iter_source_rows(SourceSettings(str(path), args.sample_size, args.seed)), args.rows)  # fmt: skip
            started = time.perf_counter()
            source_fingerprint(SourceSettings(str(path), 0, args.seed))
            print(f"  sha256 fingerprint: {time.perf_counter() - started:.2f} s")
        _timed(f"sample {args.sample_size:,} from the 'sample' source",
               iter_source_rows(SourceSettings("sample", args.sample_size, args.seed)), SAMPLE_ALL_ROWS)  # fmt: skip


if __name__ == "__main__":
    main()
