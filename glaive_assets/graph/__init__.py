"""The Dagster layer: thin assets, checks, sensors and resources over the pure core. One folder per domain."""
