"""The training set made from glaive_chatml: dedup, decontamination, splits and sample weights. No Dagster.

Data flow (stage.py holds the two calls the assets make):

    glaive_chatml.jsonl --plan.plan_training_set (one pass, compact per-row keys)--> TrainingPlan
        dedup.py            exact / near / paraphrase duplicates (keys from signatures.py, MinHash in minhash.py)
        decontaminate.py    rows that contain an eval question (BFCL or OpenAI-messages JSON lines)
        splits.py           train / validation / test, seeded, stratified, group-aware
        weights.py          train sample weights from the bias report's mitigation (qa.bias)
    TrainingPlan + glaive_chatml.jsonl --write.write_training_set (second pass)--> training/*.jsonl
    verify.py               accounting, no_split_leakage (from the written files), stratification
    report.py               training_report.json

config.py holds the settings (TrainingConfig), the split names, the drop reasons and the file layout.
"""
