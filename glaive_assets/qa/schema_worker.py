"""Run the GX schema suite in a child process that imports Great Expectations ahead of time.

`import great_expectations` costs about 3 s of CPU. Started early (the Dagster layer starts it when a
run that validates starts), the child pays it on the second core while the parent does other work;
`submit` then hands it the finished file, and the parent keeps working until it needs `result`.
"""

from __future__ import annotations

import multiprocessing
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

_JOIN_SECONDS = 30


def _serve(connection: Connection) -> None:
    """The child: import GX now, then validate the one file the parent sends."""
    try:
        import great_expectations  # noqa: F401  # the slow part, overlapped with the parent's work

        from glaive_assets.core.jsonio import read_jsonl
        from glaive_assets.qa.schema import run_schema_suite

        request = connection.recv()
        if request is None:  # the parent no longer needs a report
            return
        path, requested_size, source_rows = request
        connection.send((True, run_schema_suite(read_jsonl(path), requested_size, source_rows)))
    except EOFError:
        pass  # the parent went away
    except BaseException:
        connection.send((False, traceback.format_exc()))
    finally:
        connection.close()


class SchemaSuiteWorker:
    """One schema-suite run in a spawned child; use as a context manager around the parent's work."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no forked Dagster state
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_end,), name="gx-schema-suite", daemon=True)
        self._process.start()
        child_end.close()

    def submit(self, path: Path, requested_size: int, source_rows: int) -> None:
        """Start validating the processed records in `path` (once per worker); returns at once."""
        try:
            self._connection.send((str(path), requested_size, source_rows))
        except (BrokenPipeError, ConnectionResetError):
            raise self._died() from None

    def result(self) -> dict[str, Any]:
        """The report of the submitted file; raises RuntimeError if the child failed."""
        try:
            succeeded, payload = self._connection.recv()
        except (EOFError, ConnectionResetError):
            raise self._died() from None
        if not succeeded:
            raise RuntimeError(f"the schema suite failed in its process:\n{payload}")
        return payload

    def validate(self, path: Path, requested_size: int, source_rows: int) -> dict[str, Any]:
        """submit, then wait for the result."""
        self.submit(path, requested_size, source_rows)
        return self.result()

    def _died(self) -> RuntimeError:
        self._process.join(1)
        return RuntimeError(f"the schema-suite process died (exit code {self._process.exitcode})")

    def close(self) -> None:
        if self._process.is_alive():
            try:
                self._connection.send(None)
            except (BrokenPipeError, OSError):
                pass
            self._process.join(_JOIN_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._connection.close()

    def __enter__(self) -> "SchemaSuiteWorker":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
