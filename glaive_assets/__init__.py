"""glaive_assets: a Dagster asset graph from Glaive Function Calling v2 to ChatML fine-tuning data.

`defs` is loaded on first access, so importing the pure core (glaive_assets.core) never imports Dagster.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "defs":
        from glaive_assets.definitions import defs

        return defs
    raise AttributeError(f"module 'glaive_assets' has no attribute {name!r}")


def __dir__() -> list[str]:
    # Dagster's `-m glaive_assets` loader finds Definitions by listing the module's attributes.
    return sorted([*globals(), "defs"])
