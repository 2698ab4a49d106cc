"""glaive_refresh: the whole graph from glaive_raw down, with the checks of those assets."""

import dagster as dg

glaive_refresh_job = dg.define_asset_job(
    name="glaive_refresh",
    selection=dg.AssetSelection.assets("glaive_raw").downstream(),
    description="Materialize the whole graph from glaive_raw down, with every asset check.",
)
