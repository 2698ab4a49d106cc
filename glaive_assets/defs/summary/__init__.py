"""pipeline_summary: the run at a glance."""
