"""Quality checks on the pipeline's output, as plain functions returning JSON-ready reports (no Dagster).

- qa.schema:  run_schema_suite, the Great Expectations suite of the processed records (imports GX lazily)
- qa.stats:   compute_pipeline_stats, one streaming pass over processed + rejects
- qa.anomaly: evaluate_anomalies, threshold rules over those stats
- qa.bias:    analyze_bias, representation of each slice value, with mitigations and known source gaps
- qa.gate:    training_gate, the schema suite's verdict on the training outputs, as data
- qa.summary: build_pipeline_summary, what each stage of a run did

Import the submodules directly; this package imports nothing heavy.
"""
