"""The schema suite (blocking), anomaly and bias reports, and their checks on glaive_processed."""
