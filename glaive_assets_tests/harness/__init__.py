"""Test infrastructure: the Slack stand-in, the dagster dev harness, helpers that run the graph."""
