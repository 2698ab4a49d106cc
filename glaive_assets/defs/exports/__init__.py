"""The trainer-ready exports (hf, openai, sharegpt) of the training set."""
