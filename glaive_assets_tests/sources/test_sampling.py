"""Reservoir sampling: the streamed and the counted reservoir agree, and the choice is uniform."""

from collections import Counter

from glaive_assets.sources.sampling import reservoir_indices, sample_stream


def test_streamed_and_counted_reservoirs_choose_alike():
    stream = sample_stream(((i, f"row{i}") for i in range(1000)), 37, 4)
    assert [i for i, _ in stream] == reservoir_indices(1000, 37, 4)
    assert [p for _, p in stream] == [f"row{i}" for i in reservoir_indices(1000, 37, 4)]


def test_sampling_is_uniform():
    # 4000 samples of 10 out of 100: each position is kept 400 times on average (sd ~19).
    counts = Counter(i for seed in range(4000) for i in reservoir_indices(100, 10, seed))
    assert set(counts) == set(range(100))
    assert max(abs(c - 400) for c in counts.values()) < 80
    chi_square = sum((c - 400) ** 2 / 400 for c in counts.values())
    assert chi_square < 160  # 99 degrees of freedom: p < 1e-4 above this
