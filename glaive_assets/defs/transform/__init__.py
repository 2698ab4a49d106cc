"""raw -> processed + rejects -> ChatML."""
