"""The sample generator's rows have the real rows' shape: each figure within 10 % (issue 13).

Compared with the 606 real rows of ../shared/glaive when that folder exists; elsewhere (a fresh clone)
with their figures recorded below. Both are measured by the same function, benchmarks.row_shape.measure_lines.
"""

from __future__ import annotations

import pytest

from glaive_assets.benchmarks.real_rows import real_glaive_lines, shared_glaive_dir
from glaive_assets.benchmarks.row_shape import TOLERANCE, RowShape, deviations, generated_lines, measure_lines

GENERATED_ROWS = 5_000
SEED = 20240521

# The 606 real rows (../shared/glaive laid out by benchmarks.real_rows), measured 2026-12-01 with
# `python -m glaive_assets.benchmarks.row_shape`: 1,441,960 bytes of JSON lines, 1,479 user turns,
# 433 calls, 465 declared functions.
RECORDED_REAL_SHAPE = RowShape(
    rows=606,
    bytes_mean=1_441_960 / 606,
    bytes_p90=4_558,
    user_turns_mean=1_479 / 606,
    calls_mean=433 / 606,
    functions_mean=465 / 606,
)


@pytest.fixture(scope="module")
def real_shape() -> RowShape:
    folder = shared_glaive_dir()
    return RECORDED_REAL_SHAPE if folder is None else measure_lines(real_glaive_lines(folder))


@pytest.fixture(scope="module")
def generated_shape() -> RowShape:
    return measure_lines(generated_lines(GENERATED_ROWS, SEED))


@pytest.mark.parametrize("figure", ["bytes_mean", "bytes_p90", "user_turns_mean", "calls_mean", "functions_mean"])
def test_each_figure_of_the_generated_rows_is_within_10_percent_of_the_real_rows(figure, generated_shape, real_shape):
    deviation = deviations(generated_shape, real_shape)[figure]
    assert abs(deviation) <= TOLERANCE, (
        f"{figure}: generated {getattr(generated_shape, figure):.2f}, real {getattr(real_shape, figure):.2f} "
        f"({deviation:+.1%})"
    )


def test_the_generated_rows_are_the_requested_number(generated_shape):
    assert generated_shape.rows == GENERATED_ROWS


@pytest.mark.skipif(shared_glaive_dir() is None, reason="../shared/glaive is absent: the recorded figures stand in")
def test_the_recorded_real_figures_are_what_the_real_rows_measure(real_shape):
    # Keeps the fallback constants honest: they must be exactly what the shared rows measure.
    assert real_shape == RECORDED_REAL_SHAPE
