"""Artifact storage without Dagster: atomic files, the manifest, and the stages that write each artifact."""
