"""The training set (dedup, decontamination, splits, weights) from glaive_chatml, its report and checks."""
