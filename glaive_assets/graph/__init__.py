"""The Dagster layer (the asset graph): thin assets, checks, sensors and resources over the pure core. One folder per domain."""
