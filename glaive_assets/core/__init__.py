"""The Glaive core: plain functions on plain data. Nothing here imports Dagster."""
