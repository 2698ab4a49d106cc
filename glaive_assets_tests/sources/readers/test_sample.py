"""The "sample" source is the generator, drawn at the reservoir's positions."""

from glaive_assets.sources.sample import SAMPLE_ALL_ROWS, iter_sample_rows
from glaive_assets.sources.sampling import reservoir_indices
from glaive_assets_tests.fixtures.sources import read


def test_the_sample_source_is_the_generator(monkeypatch):
    assert list(read("sample:50", 0, 3)) == list(iter_sample_rows(50, 3))
    assert list(read(" Sample ", 5, 3)) == list(read("sample:112960", 5, 3))
    picked = list(read("sample", 5, 3))
    assert [i for i, _ in picked] == reservoir_indices(SAMPLE_ALL_ROWS, 5, 3)
    assert max(i for i, _ in picked) > 1000  # drawn from the whole synthetic dataset, not its head
