"""Run settings from the environment, parsed and validated in one place (no Dagster)."""
