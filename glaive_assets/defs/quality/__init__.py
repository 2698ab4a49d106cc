"""quality_reports (validation, anomaly and bias reports, the anomaly and bias checks, the run's Slack
alert), the blocking schema_suite check that gates glaive_chatml, and the GX process resource."""
