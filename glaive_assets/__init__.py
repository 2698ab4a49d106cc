"""glaive_assets: a Dagster asset graph from Glaive Function Calling v2 to ChatML fine-tuning data."""
