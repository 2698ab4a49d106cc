"""Slack: the resource and the sensors that post failed checks and failed runs."""
