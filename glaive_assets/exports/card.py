"""The dataset card (README.md with a YAML header) written beside the hf and openai exports.

The header's `configs` map each split to its file, so `datasets.load_dataset("<folder>")` returns a
DatasetDict(train, validation, test); `dataset_info.features` declares the columns, so the loader never
infers (and never null-fills) a schema. The body gives the row counts, what the training set dropped
(dedup, decontamination), the bias slices' shares, the source and its revision, the license and how
the files were made.

The training figures come from the training report as a plain dict; `TrainingFacts.from_report`
is the one place that knows its keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

SOURCE_DATASET = "glaiveai/glaive-function-calling-v2"
LICENSE = "apache-2.0"  # the source dataset's license (its dataset card)

_PURPOSE = {
    "hf": ("TRL's `SFTTrainer` and any transformers chat template (`tokenizer.apply_chat_template`). "
           "Tool-call `arguments` are JSON objects, as templates that render `arguments | tojson` "
           "(Llama 3.1, Qwen 2.5 and the like) expect. `tools` is one JSON string per row: TRL decodes "
           "it; when you call `apply_chat_template` yourself, pass `tools=json.loads(row[\"tools\"])` "
           "(null means the row declares no tools: pass `tools=None`)."),
    "openai": ("OpenAI's fine-tuning upload (and axolotl with OpenAI-style messages). Tool-call "
               "`arguments` are JSON strings, as OpenAI's format requires. Do not use this export with a "
               "transformers chat template that renders `arguments | tojson`: every call comes out "
               "double-encoded. Use the hf export for TRL and transformers."),
}
_LAYOUT = {
    "hf": [
        "`id`: the record id (content hash of the source row)",
        "`messages`: system?, user, assistant, tool messages; an assistant call message holds "
        "`tool_calls: [{id, type: function, function: {name, arguments: OBJECT}}]` and the text the "
        "assistant wrote before the call (or \"\") as `content`; a tool message holds `tool_call_id`, "
        "`name` and `content`",
        "`tools`: `[{\"type\": \"function\", \"function\": schema}]` encoded as one JSON string, or null",
        "`sample_weight`: the training weight (bias-slice reweighting) on train; 1.0 in validation and test",
    ],
    "openai": [
        "`messages`: as in the hf export, but every `arguments` is a JSON string",
        "`tools`: `[{\"type\": \"function\", \"function\": schema}]`, `[]` when the row declares none",
        "line N is the same conversation as line N of the hf export (ids and weights are not part of "
        "OpenAI's format)",
    ],
}


@dataclass(frozen=True)
class TrainingFacts:
    """What the card says about the training set (all optional: a missing figure reads "not reported")."""

    chatml_rows: int | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> rows (dedup, decontamination)
    # {slice, value, rows, share_before, share_after, status}, as the training report's weights list them
    slice_shares: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_report(cls, report: Mapping[str, Any] | None) -> TrainingFacts:
        """From the training report: keys chatml_rows, dropped and weights.slice_shares."""
        report = report or {}
        weights = report.get("weights") or {}
        return cls(report.get("chatml_rows"), dict(report.get("dropped") or {}),
                   list(weights.get("slice_shares") or []))


def card_header(file_names: Mapping[str, str], features: list[dict[str, Any]], pretty_name: str) -> dict[str, Any]:
    return {
        "license": LICENSE,
        "pretty_name": pretty_name,
        "language": ["en"],
        "task_categories": ["text-generation"],
        "tags": ["function-calling", "tool-use", "glaive"],
        "source_datasets": [SOURCE_DATASET],
        "configs": [{
            "config_name": "default",
            "data_files": [{"split": split, "path": name} for split, name in file_names.items()],
        }],
        "dataset_info": {"features": features},
    }


def _share(value: Any) -> str:
    return f"{value:.2%}" if isinstance(value, (int, float)) else "n/a"


def _training_section(facts: TrainingFacts) -> list[str]:
    lines = ["## The training set", ""]
    if facts.chatml_rows is not None:
        lines.append(f"Built from {facts.chatml_rows:,} glaive_chatml rows.")
    if facts.dropped:
        lines += ["", "Rows dropped before the split (dedup and decontamination):", "",
                  "| reason | rows |", "|---|---:|"]
        lines += [f"| `{reason}` | {count:,} |" for reason, count in facts.dropped.items()]
    else:
        lines.append("Dedup and decontamination counts: not reported.")
    if facts.slice_shares:
        lines += ["", "Bias slices on the train split, share of rows before and of weight after reweighting:", "",
                  "| slice | value | rows | before | after | status |", "|---|---|---:|---:|---:|---|"]
        lines += [f"| {s.get('slice')} | {s.get('value')} | {s.get('rows', 'n/a')} | {_share(s.get('share_before'))} "
                  f"| {_share(s.get('share_after'))} | {s.get('status', '')} |" for s in facts.slice_shares]
    else:
        lines += ["", "Slice shares: not reported."]
    return lines


def render_card(export_format: str, rows: Mapping[str, int], file_names: Mapping[str, str],
                features: list[dict[str, Any]], facts: TrainingFacts, source_revision: str,
                notes: list[str] = ()) -> str:
    """The README.md of one export folder ("hf" or "openai")."""
    title = f"Glaive Function Calling v2, trainer-ready ({export_format})"
    header = yaml.safe_dump(card_header(file_names, features, title), sort_keys=False, allow_unicode=True)
    lines = ["---", header.rstrip("\n"), "---", "", f"# {title}", "", _PURPOSE[export_format], "",
             "## Files", "", "| split | file | rows |", "|---|---|---:|"]
    lines += [f"| {split} | `{file_names[split]}` | {count:,} |" for split, count in rows.items()]
    lines += ["", "## One line", ""] + [f"- {item}" for item in _LAYOUT[export_format]]
    lines += ["", *_training_section(facts), "", "## How the files were made", "",
              f"- Source: [`{SOURCE_DATASET}`](https://huggingface.co/datasets/{SOURCE_DATASET}), "
              f"revision `{source_revision}`.",
              "- Each row was parsed (system prompt into instruction and schemas, chat into turns and "
              "calls), validated, written as ChatML (glaive_chatml), deduplicated, decontaminated, split "
              "into train/validation/test and weighted by the glaive_assets pipeline; this folder is "
              "those splits in the layout above, written atomically as strict JSON lines.",
              "- Every line converts back to the processed record's turns and calls (tested)."]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    lines += ["", "## License", "", "Apache-2.0, the license of the source dataset.", ""]
    return "\n".join(lines)
