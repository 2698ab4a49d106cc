"""glaive_assets: a Dagster asset graph from Glaive Function Calling v2 to ChatML fine-tuning data.

`dagster ... -m glaive_assets` looks for the definitions among this package's attributes, while
importing a library (glaive_assets.core, .sources, ...) must not import Dagster. So `code_location`
(the @dg.definitions function `defs` in glaive_assets.definitions) is looked up on first access. It
cannot be called `defs`: that name is the glaive_assets.defs folder once it is imported.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "code_location":
        from glaive_assets.definitions import defs

        return defs
    raise AttributeError(f"module 'glaive_assets' has no attribute {name!r}")


def __dir__() -> list[str]:
    # Dagster's `-m glaive_assets` loader finds the definitions by listing the module's attributes.
    return sorted([*globals(), "code_location"])
