"""Benchmark scripts: python -m glaive_assets.benchmarks.<name>."""
