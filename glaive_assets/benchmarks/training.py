"""Time and peak memory of the training stage (dedup, decontamination, splits, weights, checks, report).

    python -m glaive_assets.benchmarks.training                    # 112,960 and 1,000,000 sample rows
    python -m glaive_assets.benchmarks.training --rows 112960 --minhash 20000

Corpus: `--rows` rows of the sample generator (glaive_assets.sources.sample, seed 42) run through the
core (process_row, to_chatml) and written once to a temporary glaive_chatml.jsonl, with an eval file
in BFCL's layout (`--eval-items` questions, one in fifty a sample request, so some rows match). Then a
fresh child process runs the stage as the assets will: training.stage.build_training_set (plan pass,
on GLAIVE_SHARDS processes, default the cores, + write pass), check_split_leakage (reads the split files
back), training_report and its writer. The child reports each step's wall and CPU seconds (its own plus
the plan pass's processes'), its resident memory after imports and its peak, and the largest plan-pass
process's peak (getrusage), so the figures are the stage's own, not the corpus generation's.

--minhash N: training.minhash's speed on the user texts of N sample rows and its accuracy (the
estimate against the exact Jaccard similarity of its LSH candidate pairs), and datasketch's MinHash +
MinHashLSH speed on the same texts when datasketch is installed (it is not a dependency): the
measurements behind minhash.py.

Targets (issue 11): at 113k rows the stage adds <= 30% to the graph's wall time (~6 s of a 20 s graph);
at 1M rows the stage's peak RSS stays well under 1 GiB.
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
from pathlib import Path

import orjson

from glaive_assets.core.chatml import to_chatml
from glaive_assets.core.jsonio import dumps_line
from glaive_assets.core.transform import process_row
from glaive_assets.sources.sample import iter_sample_rows

DEFAULT_SIZES = (112_960, 1_000_000)
TARGET_WALL_S_113K = 6.0
TARGET_PEAK_MIB_1M = 1024.0


def write_corpus(directory: Path, rows: int, seed: int, eval_items: int) -> tuple[Path, Path, int]:
    """glaive_chatml.jsonl for `rows` sample rows, and a BFCL-layout eval file; returns the ChatML rows."""
    chatml_path, eval_path = directory / "glaive_chatml.jsonl", directory / "eval_bfcl_style.jsonl"
    written = 0
    with open(chatml_path, "wb") as out:
        for source_index, raw in iter_sample_rows(rows, seed):
            processed = process_row(raw, source_index).processed
            if processed is not None:
                out.write(dumps_line(to_chatml(processed)))
                written += 1
    with open(eval_path, "wb") as out:
        for index, question in enumerate(_eval_questions(eval_items, seed + 1)):
            out.write(dumps_line({"id": f"bench_{index}", "question": [[{"role": "user", "content": question}]],
                                  "function": []}))
    return chatml_path, eval_path, written


def _eval_questions(count: int, seed: int) -> list[str]:
    """`count` eval questions: one in fifty is a user request of the sample generator (another seed, so
    some training rows match it), the rest are 20 invented words each, which match nothing."""
    rng = random.Random(seed)
    planted = []
    for _, raw in iter_sample_rows(count, seed):
        request = raw["chat"].split("USER: ", 1)[-1].split("\n\n", 1)[0].strip()
        if len(request.split()) >= 13:
            planted.append(request)
    questions = []
    for index in range(count):
        if index % 50 == 0 and planted:
            questions.append(planted[(index // 50) % len(planted)])
        else:
            questions.append(" ".join("".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
                                      for _ in range(20)))
    return questions


def _rss_mib() -> float:
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the plan pass's processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run_stage(chatml_path: Path, eval_path: Path | None, data_dir: Path) -> dict:
    """The stage, timed step by step (this runs in the child process)."""
    from glaive_assets.config.settings import shards_from_env
    from glaive_assets.training.config import TrainingConfig
    from glaive_assets.training.report import training_report
    from glaive_assets.training.stage import build_training_set, check_decontaminated, check_split_leakage
    from glaive_assets.training.write import write_training_report

    config = TrainingConfig(eval_sets=(str(eval_path),) if eval_path else ())
    figures: dict = {"rss_after_imports_mib": round(_rss_mib(), 1)}
    wall, cpu = time.perf_counter(), _cpu_s()
    steps = {}

    def lap(name: str) -> None:
        nonlocal wall, cpu
        steps[name] = {"wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(_cpu_s() - cpu, 2)}
        wall, cpu = time.perf_counter(), _cpu_s()

    processes = shards_from_env()
    training = build_training_set(data_dir, chatml_path, config, processes=processes)
    lap("build_training_set")
    leakage = check_split_leakage(data_dir, training.plan)
    lap("check_split_leakage")
    clean = check_decontaminated(data_dir, config)
    lap("check_decontaminated")
    report = training_report(training.plan, training.accounting, leakage, clean)
    write_training_report(data_dir, report)
    lap("report")
    figures.update({
        "steps": steps,
        "total_wall_s": round(sum(step["wall_s"] for step in steps.values()), 2),
        "total_cpu_s": round(sum(step["cpu_s"] for step in steps.values()), 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "plan_processes": processes,
        "largest_plan_process_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "rows": report["rows"],
        "dropped": report["dropped"],
        "contaminated_rows": report["contamination"]["rows"],
        "accounting_ok": training.accounting.ok,
        "leakage_ok": leakage.ok,
        "decontaminated_ok": clean.ok if clean else None,
        "max_stratum_deviation": report["stratification"]["max_deviation"],
    })
    return figures


def measure(rows: int, seed: int, eval_items: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="glaive-training-bench-") as scratch:
        started = time.perf_counter()
        chatml_path, eval_path, chatml_rows = write_corpus(Path(scratch), rows, seed, eval_items)
        corpus_s = time.perf_counter() - started
        command = [sys.executable, "-m", "glaive_assets.benchmarks.training", "--child", str(chatml_path),
                   str(eval_path), str(Path(scratch, "data"))]
        completed = subprocess.run(command, capture_output=True, text=True)
        if completed.returncode != 0:
            raise SystemExit(f"training stage failed at {rows} rows:\n{completed.stderr[-4000:]}")
        figures = json.loads(completed.stdout)
        figures.update({"sample_rows": rows, "chatml_rows": chatml_rows, "corpus_s": round(corpus_s, 1),
                        "chatml_mib": round(chatml_path.stat().st_size / 2**20, 1)})
        return figures


def _user_words(rows: int, seed: int) -> list[list[str]]:
    """Each sample row's normalized user turns, as one list of words (rejected rows left out)."""
    from glaive_assets.training.text import normalize_text

    texts = []
    for source_index, raw in iter_sample_rows(rows, seed):
        processed = process_row(raw, source_index).processed
        if processed is not None:
            texts.append(" ".join(normalize_text(turn["content"]) for turn in processed["turns"]
                                  if turn["role"] == "user").split())
    return texts


def _bigram_set(words: list[str]) -> set:
    return set(zip(words, words[1:])) if len(words) > 1 else set(words)


def compare_minhash(rows: int, seed: int) -> str:
    """training.minhash's speed and accuracy (estimate against the exact Jaccard of its LSH candidate
    pairs) and, when installed, datasketch's MinHash + MinHashLSH speed over the same user texts."""
    import numpy as np

    from glaive_assets.training.minhash import MinHasher, WordHasher, candidate_pairs

    texts = _user_words(rows, seed)
    started = time.process_time()
    hasher, word_hasher, signatures = MinHasher(64), WordHasher(), []
    for first in range(0, len(texts), 2048):
        batch = texts[first:first + 2048]
        flat = [value for words in batch for value in word_hasher.hashes(words)]
        signatures.append(hasher.signatures(np.array(flat, dtype=np.uint64), np.array([len(w) for w in batch])))
    joined = np.concatenate(signatures)
    everyone = np.arange(len(joined))
    pairs = candidate_pairs(joined, everyone, np.ones(len(joined), dtype=np.uint64), 8, 64)
    ours_s = time.process_time() - started
    estimate = (joined[pairs[:, 0]] == joined[pairs[:, 1]]).mean(axis=1)
    exact = np.array([len(_bigram_set(texts[i]) & _bigram_set(texts[j])) / len(_bigram_set(texts[i]) | _bigram_set(texts[j]))
                      for i, j in pairs.tolist()])
    lines = [f"training.minhash over {len(texts):,} user texts (64 permutations, 8 bands, word bigrams): "
             f"{ours_s / len(texts) * 1e6:.1f} us/row CPU; {len(pairs):,} candidate pairs, estimate against exact "
             f"Jaccard: correlation {np.corrcoef(estimate, exact)[0, 1]:.2f}, mean absolute error "
             f"{np.abs(estimate - exact).mean():.3f}"]
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return "\n".join(lines + ["datasketch is not installed (pip install datasketch): its timing is skipped"])
    started = time.process_time()
    lsh = MinHashLSH(threshold=0.8, num_perm=64)
    empty = MinHash(num_perm=64)  # copied per row: its permutations are made once
    for index, words in enumerate(texts):
        signature = empty.copy()
        signature.update_batch([f"{a} {b}".encode() for a, b in zip(words, words[1:])] or [w.encode() for w in words])
        lsh.query(signature)
        lsh.insert(index, signature)
    datasketch_s = time.process_time() - started
    lines.append(f"datasketch MinHash.update_batch + MinHashLSH query/insert over the same texts: "
                 f"{datasketch_s / len(texts) * 1e6:.1f} us/row CPU")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="sample rows (repeatable); default 113k and 1M")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--eval-items", type=int, default=1000)
    parser.add_argument("--minhash", type=int, default=0, metavar="N",
                        help="MinHash speed and accuracy on N rows, against datasketch when installed")
    parser.add_argument("--child", nargs=3, metavar=("CHATML", "EVAL", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        chatml, eval_path, data_dir = map(Path, args.child)
        print(json.dumps(run_stage(chatml, eval_path, data_dir)))
        return 0
    if args.minhash:
        print(compare_minhash(args.minhash, args.seed), flush=True)
    for rows in sorted(args.rows or DEFAULT_SIZES):
        figures = measure(rows, args.seed, args.eval_items)
        print(orjson.dumps(figures, option=orjson.OPT_INDENT_2).decode(), flush=True)
        if rows == 112_960:
            met = figures["total_wall_s"] <= TARGET_WALL_S_113K
            print(f"113k: stage wall {figures['total_wall_s']} s (target <= {TARGET_WALL_S_113K:g} s): "
                  f"{'met' if met else 'MISSED'}")
        if rows >= 1_000_000:
            met = figures["peak_rss_mib"] <= TARGET_PEAK_MIB_1M
            print(f"1M: stage peak RSS {figures['peak_rss_mib']} MiB (budget {TARGET_PEAK_MIB_1M:g} MiB): "
                  f"{'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
