"""What the multiprocess executor's fork server imports before it forks a process per step
(definitions.executor): the instance's storage modules and the code location, built. Each step process
then starts with them in memory; otherwise every step imported them and loaded the location twice, about
1 s a step on this machine (`benchmarks/shards.py` measures the executor)."""

import dagster._core.storage.sqlite_storage  # noqa: F401  every step opens the instance's sqlite storage
import upath  # noqa: F401  the instance's state storage imports it

from glaive_assets.definitions import defs

defs()
