"""The Dagster layer, one folder per domain, autoloaded by glaive_assets.definitions (dg's defs folder).

Each module holds a few thin definitions over the libraries; folders refer to each other's assets by
AssetKey, never by importing the asset object.
"""
