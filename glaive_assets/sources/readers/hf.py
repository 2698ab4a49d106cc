"""The "hf" source: `datasets.load_dataset(GLAIVE_HF_DATASET or HF_DATASET_ID, revision=HF_REVISION,
split="train", streaming=True)`.

GLAIVE_HF_DATASET may name a local dataset folder (one holding glaive-function-calling-v2.json),
which goes through the same `datasets` code path. Before touching the hub a quick probe
(HfApi.dataset_info, HF_PROBE_TIMEOUT_SECONDS) checks it can be reached, so an offline machine gets
SourceUnavailable in well under a second instead of `datasets`' ~25 s of retries.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from glaive_assets.sources.errors import SourceError, SourceUnavailable
from glaive_assets.sources.locate import HF_DATASET_ENV
from glaive_assets.sources.sampling import sampled

HF_DATASET_ID = "glaiveai/glaive-function-calling-v2"
HF_REVISION = "e7f4b6456019f5d8bcb991ef0dd67d8ff23221ac"
HF_PROBE_TIMEOUT_SECONDS = 10.0
OFFLINE_OPTIONS = (
    "Offline options: GLAIVE_SOURCE=sample (the built-in generator); "
    "GLAIVE_SOURCE=/path/to/file.json|.jsonl|.parquet (a local copy of the rows); "
    f"{HF_DATASET_ENV}=/path/to/local/dataset/dir (a folder holding glaive-function-calling-v2.json, "
    "read through the same datasets code path)."
)
CACHE_HINT = "If the dataset is in your Hugging Face cache, set HF_HUB_OFFLINE=1."


def iter_hf_rows(sample_size: int, seed: int) -> Iterator[tuple[int, object]]:
    """Opens the dataset now (an unreachable hub raises here); rows come on iteration."""
    return sampled(_iter_hf(_open_hf_dataset()), sample_size, seed)


def hf_dataset_target() -> tuple[str, Path | None]:
    """(what load_dataset is given, the local folder or None for a hub id) from GLAIVE_HF_DATASET."""
    target = os.environ.get(HF_DATASET_ENV, "").strip() or HF_DATASET_ID
    path = Path(target).expanduser()
    if path.is_dir():
        return str(path.resolve()), path.resolve()
    if target.startswith(("/", ".", "~")) or path.exists():
        raise SourceError(f"{HF_DATASET_ENV}={target!r} is not a directory (give a hub id or a local dataset folder)")
    return target, None


def _hf_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "ON", "YES", "TRUE"}


def _unavailable(dataset_id: str, error: BaseException) -> SourceUnavailable:
    reason = f"{type(error).__name__}: {error}".strip()
    if _hf_offline():
        return SourceUnavailable(
            f"HF_HUB_OFFLINE is set and dataset {dataset_id!r} at revision {HF_REVISION} is not in the "
            f"Hugging Face cache ({reason}). {OFFLINE_OPTIONS}"
        )
    return SourceUnavailable(
        f"The Hugging Face hub cannot be reached for dataset {dataset_id!r} at revision {HF_REVISION} "
        f"({reason}); this machine may be offline. {OFFLINE_OPTIONS} {CACHE_HINT}"
    )


def _probe_hub(dataset_id: str) -> None:
    """Fail fast when the hub is unreachable; `datasets` itself retries for ~25 s before giving up."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    endpoint = os.environ.get("HF_ENDPOINT", "").strip() or None
    try:
        HfApi(endpoint=endpoint).dataset_info(dataset_id, revision=HF_REVISION, timeout=HF_PROBE_TIMEOUT_SECONDS)
    except (RepositoryNotFoundError, RevisionNotFoundError) as error:
        raise SourceError(
            f"dataset {dataset_id!r} at revision {HF_REVISION} was not found on the hub ({error}). "
            f"Check {HF_DATASET_ENV}, or use a local source. {OFFLINE_OPTIONS}"
        ) from None
    except Exception as error:  # connection refused, DNS failure, timeout, 5xx: all mean "not now"
        raise _unavailable(dataset_id, error) from None


def _open_hf_dataset():
    target, local = hf_dataset_target()
    if local is None and not _hf_offline():
        _probe_hub(target)
    from datasets import load_dataset

    try:
        return load_dataset(target, revision=HF_REVISION, split="train", streaming=True)
    except Exception as error:
        if local is not None:
            raise SourceError(f"{HF_DATASET_ENV}={target!r}: datasets could not load it ({error})") from None
        raise _unavailable(target, error) from None


def _iter_hf(dataset) -> Iterator[tuple[int, object]]:
    index = 0
    try:
        for row in dataset:
            yield index, row
            index += 1
    except (ConnectionError, TimeoutError) as error:
        raise SourceUnavailable(f"lost the Hugging Face dataset after {index} rows ({error}). {OFFLINE_OPTIONS}")
    except Exception as error:
        raise SourceError(f"reading the Hugging Face dataset failed after {index} rows: {error}") from error
