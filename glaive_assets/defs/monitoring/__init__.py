"""The instance's own health: runs whose worker process died are marked failed, so they never block the queue."""
