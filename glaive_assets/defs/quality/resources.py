"""The schema suite's process as a resource: started when a run that validates starts, stopped when it ends."""

import dagster as dg
from pydantic import PrivateAttr

from glaive_assets.qa.schema_worker import SchemaSuiteWorker


class SchemaSuiteProcess(dg.ConfigurableResource):
    """A process that imports Great Expectations (~3 s) and then runs the schema suite once.

    Dagster's in-process executor (the default) sets up a run's resources before its first step, so
    the import runs on the second core while glaive_raw and the split run; quality_reports then hands
    it the processed file. Under the multiprocess executor it starts with the quality step instead.
    """

    _worker: SchemaSuiteWorker | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._worker = SchemaSuiteWorker()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._worker is not None:
            self._worker.close()

    @property
    def worker(self) -> SchemaSuiteWorker:
        if self._worker is None:
            raise RuntimeError("the schema-suite process starts with a run; it cannot be used outside one")
        return self._worker


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"schema_suite_process": SchemaSuiteProcess()})
