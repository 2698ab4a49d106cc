"""The training report's figures as Markdown tables for the UI (from the report dict, nothing recomputed)."""

from typing import Any

import dagster as dg

from glaive_assets.training.config import SPLITS


def _share(value: Any) -> str:
    return f"{value:.1%}" if isinstance(value, (int, float)) else "n/a"


def strata_table(stratification: dict[str, Any]) -> dg.MetadataValue:
    """Stratum x split: rows and share in each split, beside the stratum's share of all split rows."""
    lines = ["| stratum | rows | share | " + " | ".join(SPLITS) + " |", "|---|---:|---:|" + "---:|" * len(SPLITS)]
    for row in stratification["table"]:
        cells = [f"{row[split]['rows']:,} ({_share(row[split]['share'])})" for split in SPLITS]
        lines.append(f"| `{row['stratum']}` | {row['rows']:,} | {_share(row['share'])} | " + " | ".join(cells) + " |")
    if not stratification["table"]:
        lines.append("| (none) | 0 | n/a | " + " | ".join("0" for _ in SPLITS) + " |")
    rows = stratification["split_rows"]
    lines.append("| **all** | " + f"{sum(rows.values()):,} | 100% | " + " | ".join(f"{rows[s]:,}" for s in SPLITS) + " |")
    return dg.MetadataValue.md("\n".join(lines))


def slice_shares_table(weights: dict[str, Any]) -> dg.MetadataValue:
    """Each bias slice value's share of the train rows before weighting and of the weight after."""
    lines = [f"Threshold {weights['threshold']:.0%}; weights min {_number(weights['min'])}, "
             f"max {_number(weights['max'])}, mean {_number(weights['mean'])}; {weights['rounds']} rounds.", "",
             "| slice | value | train rows | before | after | status | note |", "|---|---|---:|---:|---:|---|---|"]
    for share in weights["slice_shares"]:
        lines.append(f"| {share['slice']} | `{share['value']}` | {share['rows']:,} | {_share(share['share_before'])} "
                     f"| {_share(share['share_after'])} | {share['status']} | {share['note'] or ''} |")
    return dg.MetadataValue.md("\n".join(lines))


def _number(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "n/a"


def contamination_table(contamination: dict[str, Any]) -> dg.MetadataValue:
    """Rows dropped as contaminated, per eval file."""
    lines = ["| eval file | items | contaminated rows |", "|---|---:|---:|"]
    lines += [f"| `{entry['eval_file']}` | {entry['items']:,} | {entry['contaminated_rows']:,} |"
              for entry in contamination["eval_files"]]
    if not contamination["eval_files"]:
        lines.append("| (no eval set given) | 0 | 0 |")
    return dg.MetadataValue.md("\n".join(lines))
