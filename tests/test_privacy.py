"""privacy.suppress_table: primary and complementary suppression of a table of counts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from collabplan.privacy import is_suppressed, suppress_table


def table(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))],
                        columns=[f"c{j}" for j in range(len(rows[0]))])


def hidden(result) -> list[list[bool]]:
    return result.cells.to_numpy().tolist()


def test_cells_of_one_to_nine_students_are_hidden_and_zero_and_ten_are_not():
    result = suppress_table(table([[0, 1, 9, 10, 30]]), rows=False, min_size=10)
    assert hidden(result) == [[False, True, True, False, False]]


def test_one_hidden_cell_in_a_row_with_a_total_hides_the_next_smallest_cell():
    # a class of 24: 8 in the group (hidden) and 16 outside it: 24 - 16 would give the 8
    result = suppress_table(table([[8, 16]]), rows=True, min_size=10)
    assert hidden(result) == [[True, True]]
    # the smallest other cell with students is the one taken, zeros never
    result = suppress_table(table([[3, 0, 40, 12, 25]]), rows=True, min_size=10)
    assert hidden(result) == [[True, False, False, True, False]]


def test_without_a_shown_total_the_minimum_alone_applies():
    result = suppress_table(table([[8, 16]]), rows=False, columns=False, min_size=10)
    assert hidden(result) == [[True, False]]


def test_two_hidden_cells_in_a_row_need_no_third():
    result = suppress_table(table([[4, 6, 30]]), rows=True, min_size=10)
    assert hidden(result) == [[True, True, False]]


def test_columns_with_totals_are_protected_too_and_the_rounds_repeat_until_stable():
    counts = table([[8, 30, 40],
                    [20, 25, 12],
                    [15, 50, 60]])
    result = suppress_table(counts, rows=True, columns=True, min_size=10)
    cells = result.cells.to_numpy()
    assert cells[0, 0]  # the primary cell
    for line in [*cells, *cells.T]:
        assert line.sum() in (0, 2, 3)  # never exactly one hidden cell in a line
    # the columns alone: the 8 hides the 15 below it (the smallest of its column)
    only_columns = suppress_table(counts, rows=False, columns=True, min_size=10)
    assert only_columns.cells.to_numpy()[:, 0].tolist() == [True, False, True]
    assert not only_columns.cells.to_numpy()[:, 1:].any()


def test_a_line_whose_total_is_under_the_minimum_is_hidden_whole_with_its_total():
    result = suppress_table(table([[3, 0, 4], [20, 15, 30]]), rows=True, min_size=10)
    assert hidden(result) == [[True, False, True], [False, False, False]]
    assert result.row_totals.tolist() == [True, False]
    assert result.column_totals.tolist() == [False, False, False]
    by_column = suppress_table(table([[3, 20], [2, 30]]), rows=False, columns=True, min_size=10)
    assert by_column.column_totals.tolist() == [True, False]
    assert hidden(by_column) == [[True, False], [True, False]]


def test_missing_cells_read_as_zero_and_the_minimum_comes_from_the_settings():
    counts = pd.DataFrame({"a": [np.nan, 12.0], "b": [5.0, 30.0], "c": [25.0, np.nan]})
    result = suppress_table(counts, rows=True)  # config.MIN_GROUP_SIZE, 10
    assert hidden(result) == [[False, True, True], [False, False, False]]


@pytest.mark.parametrize("seed", range(30))
def test_no_hidden_cell_of_a_random_table_can_be_had_by_subtraction(seed):
    rng = np.random.default_rng(seed)
    counts = table(rng.integers(0, 25, size=(4, 5)).tolist())
    result = suppress_table(counts, rows=True, columns=True, min_size=10)
    values, cells = counts.to_numpy(), result.cells.to_numpy()
    assert not (((values > 0) & (values < 10)) & ~cells).any()  # every small cell hidden
    for i, j in itertools.product(range(4), range(5)):
        if cells[i, j]:
            assert values[i, j] > 0  # a zero is never hidden (it protects nothing)
    for k, line in enumerate(cells):
        if not result.row_totals.iloc[k]:
            assert line.sum() != 1
    for k, line in enumerate(cells.T):
        if not result.column_totals.iloc[k]:
            assert line.sum() != 1


def test_is_suppressed_reads_a_missing_size_as_hidden():
    assert is_suppressed(None) and is_suppressed(9) and not is_suppressed(10)
