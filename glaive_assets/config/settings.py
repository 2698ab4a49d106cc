"""Run settings read from the environment, parsed and validated here and nowhere else. Pure Python:
the Dagster layer, the readers and the CLI all take these values.

Environment variables set the defaults; run config on glaive_raw overrides the source settings for a
single run (and is validated by the same SourceSettings).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SOURCE = "sample"
DEFAULT_SAMPLE_SIZE = 5000
DEFAULT_SEED = 42
DEFAULT_EXPORT_FORMATS = ("hf", "openai", "sharegpt")
# One limit for every reader: a source row whose JSON text is longer is not decoded but rejected
# (reason row_too_large). The largest real Glaive row is far below it.
DEFAULT_MAX_ROW_BYTES = 16 << 20
MIN_MAX_ROW_BYTES = 1024
# The layouts a source's rows can have (core/formats); "auto" detects it from the first rows.
SOURCE_FORMATS = ("auto", "glaive", "sharegpt", "openai")


class SettingsError(ValueError):
    """A setting (an environment variable or a run's config) holds a value the pipeline cannot use."""


def int_env(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole-number environment variable, or a SettingsError that names it."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise SettingsError(f"{name}={value} must be >= {minimum}")
    return value


def _is_whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class SourceSettings:
    """Which rows glaive_raw reads: GLAIVE_SOURCE, GLAIVE_SAMPLE_SIZE (0 = all rows), GLAIVE_SEED, the
    per-row size limit GLAIVE_MAX_ROW_BYTES and the rows' layout GLAIVE_SOURCE_FORMAT (SOURCE_FORMATS).
    Checked on construction, so a SourceSettings in hand is always usable."""

    source: str
    sample_size: int
    seed: int
    max_row_bytes: int = DEFAULT_MAX_ROW_BYTES
    source_format: str = "auto"

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            raise SettingsError(f"the source must be a non-empty string, got {self.source!r}")
        if not _is_whole_number(self.sample_size) or self.sample_size < 0:
            raise SettingsError(f"sample_size must be a whole number >= 0 (0 = every row), got {self.sample_size!r}")
        if not _is_whole_number(self.seed):
            raise SettingsError(f"seed must be a whole number, got {self.seed!r}")
        if not _is_whole_number(self.max_row_bytes) or self.max_row_bytes < MIN_MAX_ROW_BYTES:
            raise SettingsError(f"max_row_bytes must be a whole number >= {MIN_MAX_ROW_BYTES}, got {self.max_row_bytes!r}")
        if self.source_format not in SOURCE_FORMATS:
            raise SettingsError(f"GLAIVE_SOURCE_FORMAT={self.source_format!r}: use one of {', '.join(SOURCE_FORMATS)}")

    @classmethod
    def from_env(cls) -> SourceSettings:
        return cls(
            source=os.environ.get("GLAIVE_SOURCE", "").strip() or DEFAULT_SOURCE,
            sample_size=int_env("GLAIVE_SAMPLE_SIZE", DEFAULT_SAMPLE_SIZE, minimum=0),
            seed=int_env("GLAIVE_SEED", DEFAULT_SEED),
            max_row_bytes=int_env("GLAIVE_MAX_ROW_BYTES", DEFAULT_MAX_ROW_BYTES, minimum=MIN_MAX_ROW_BYTES),
            source_format=os.environ.get("GLAIVE_SOURCE_FORMAT", "").strip().lower() or "auto",
        )


# Object stores whose objects appear only once their upload completes (what the atomic guarantee
# rests on, storage/remote.py). `memory` is fsspec's in-process store, for tests.
OBJECT_STORE_SCHEMES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "memory"})


def url_scheme(location: str) -> str | None:
    """The scheme of `scheme://...`, lower-cased; None for a plain path."""
    head, sep, _ = location.partition("://")
    return head.lower() if sep and head.isidentifier() else None


def is_object_store_url(location: str) -> bool:
    return url_scheme(location) in OBJECT_STORE_SCHEMES


def data_location_from_env() -> str:
    """GLAIVE_DATA_DIR as the pipeline uses it: an object-store URL (`s3://bucket/prefix`) as given,
    or a local path, resolved (default `data/` under the working directory)."""
    text = os.environ.get("GLAIVE_DATA_DIR", "").strip()
    scheme = url_scheme(text)
    if scheme is None or scheme == "file":
        return str(Path(text.removeprefix("file://") or "data").resolve())
    if scheme not in OBJECT_STORE_SCHEMES:
        raise SettingsError(f"GLAIVE_DATA_DIR={text!r}: use a local path or an object-store URL "
                            f"({', '.join(sorted(OBJECT_STORE_SCHEMES - {'memory'}))})")
    return text.rstrip("/")


def data_dir_from_env() -> Path:
    """GLAIVE_DATA_DIR as a local folder, default `data/` under the working directory."""
    location = data_location_from_env()
    if is_object_store_url(location):
        raise SettingsError(f"GLAIVE_DATA_DIR={location!r} is an object store, not a local folder")
    return Path(location)


def work_dir_from_env() -> str:
    """GLAIVE_WORK_DIR: the local working copy of an object-store data dir ('' = the default one)."""
    return os.environ.get("GLAIVE_WORK_DIR", "").strip()


def comma_list_env(name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A comma-separated environment variable as its non-blank items; `default` when unset or blank."""
    items = tuple(part.strip() for part in os.environ.get(name, "").split(",") if part.strip())
    return items or default


def eval_sets_from_env() -> tuple[str, ...]:
    """GLAIVE_EVAL_SETS: the eval files (BFCL or OpenAI-messages JSON lines) the training set is
    decontaminated against, comma-separated; none by default."""
    return comma_list_env("GLAIVE_EVAL_SETS")


def export_formats_from_env() -> tuple[str, ...]:
    """GLAIVE_EXPORT_FORMATS: the trainer-ready exports to write, comma-separated; all three by default."""
    return comma_list_env("GLAIVE_EXPORT_FORMATS", DEFAULT_EXPORT_FORMATS)


EXECUTORS = ("in_process", "multiprocess", "dask")


def executor_from_env() -> str:
    """GLAIVE_EXECUTOR: `in_process` (default), `multiprocess`, or `dask`."""
    value = os.environ.get("GLAIVE_EXECUTOR", "").strip().lower() or "in_process"
    if value not in EXECUTORS:
        raise SettingsError(f"GLAIVE_EXECUTOR={value!r}: use 'in_process', 'multiprocess' or 'dask'")
    return value


def use_multiprocess_executor() -> bool:
    """GLAIVE_EXECUTOR=multiprocess switches from the default in-process executor."""
    return executor_from_env() == "multiprocess"


def dask_scheduler_from_env() -> str:
    """GLAIVE_DASK_SCHEDULER: the address of a running Dask scheduler (`tcp://host:8786`) for
    GLAIVE_EXECUTOR=dask; '' = a local cluster that each run starts and stops."""
    return os.environ.get("GLAIVE_DASK_SCHEDULER", "").strip()


def default_shards() -> int:
    """The CPU cores this process may use (its affinity, which a container or taskset may narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def shards_from_env() -> int:
    """GLAIVE_SHARDS: how many shards the transform (raw -> processed + rejects) is cut into, run side by
    side (steps under the multiprocess executor, else processes of one step); default the CPU cores, so
    every core is busy."""
    return int_env("GLAIVE_SHARDS", default_shards(), minimum=1)


def run_url(run_id: str) -> str:
    """The run's page in the Dagster UI, for links in alerts (base: GLAIVE_UI_URL)."""
    base = os.environ.get("GLAIVE_UI_URL", "").strip().rstrip("/") or "http://127.0.0.1:3000"
    return f"{base}/runs/{run_id}"
