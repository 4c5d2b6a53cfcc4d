"""The scores of a wide file whose score columns all hold typed numbers, worked out on whole
numpy arrays (several times faster than the SQL, which turns every cell into a row first)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from collabplan.ingest.normalise.sheets import SheetData
from collabplan.ingest.normalise.tables import SAVE_BATCH_ROWS
from collabplan.ingest.normalise.values import Cells


def typed_scores(
    cells: Cells, skill_measure: tuple[int, ...], sheets: list[SheetData]
) -> pa.Table | None:
    """``scores_t`` of a wide file whose score columns all hold typed numbers, or None.

    Such scores are a reshape of the columns plus arithmetic. Only the plain case qualifies:
    percent or points, no items rolled up and no missing mark that reads as a number; anything
    else goes through :func:`collabplan.ingest.normalise.scores.scores_sql`, which this must
    match value for value (a test holds the two side by side). ``skill_measure`` is each
    part's measure number; ``sheets`` are registered without their skipped rows.
    """
    plan = cells.plan
    kind = cells.kind
    if (
        not plan.parts
        or plan.item_level
        or kind not in ("percent", "points")
        or cells.numeric_marks
        or len(plan.numeric) != len(plan.selects)
    ):
        return None
    pieces: list[pa.Table] = []
    fraction_cols = set(cells.fraction_cols)
    by_name = {s.name: s.table for s in sheets}
    for index in range(len(plan.selects)):
        name, group = plan.numeric[index]
        data = by_name[name]
        parts = [plan.parts[part] for part, _j in group]
        if data.num_rows == 0:
            continue
        # rows x columns; row by row, the columns in order is the order the SQL gives
        values = np.column_stack(
            [
                data.column(f"c{j}").cast(pa.float64()).to_numpy(zero_copy_only=False)
                for _part, j in group
            ]
        )
        keep = ~np.isnan(values)
        keep &= values >= 0
        with np.errstate(invalid="ignore", divide="ignore"):
            if kind == "percent":
                # a column of plain numbers holds percents; a column of fractions stays
                values /= np.array([1.0 if p.ci in fraction_cols else 100.0 for p in parts])
                keep &= values <= 1 + 1e-9
                fraction = values[keep]
                # (fresh memory is slow to come by: the points reuse the cells' buffer,
                # and the constant 100 is a one-value dictionary)
                points = np.multiply(fraction, 100, out=values.reshape(-1)[: len(fraction)])
                top = pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(len(fraction), np.int8)), pa.array([100.0])
                )
            else:
                tops = np.array([np.nan if p.mx is None else p.mx for p in parts])
                keep &= values <= tops + 1e-9  # False where there are no points possible
                points = values[keep]
                top = np.broadcast_to(tops, values.shape)[keep]
                fraction = points / np.where(top == 0, np.nan, top)
        unknown = np.isnan(fraction)  # points possible 0: a score with no fraction
        rids = data.column("_rid").to_numpy()
        measures = np.array([skill_measure[p.part] for p in parts], np.int32)
        pieces.append(
            pa.table(
                {
                    "rid": pa.array(np.broadcast_to(rids[:, None], values.shape)[keep]),
                    "measure_no": pa.array(np.broadcast_to(measures, values.shape)[keep]),
                    "points": pa.array(points),
                    "max_points": pa.array(top),
                    "fraction": pa.array(fraction, mask=unknown),
                    "proficient": pa.array(fraction >= cells.cut - 1e-9, mask=unknown),
                }
            )
        )
    if not pieces:
        return None
    table = pa.concat_tables(pieces)
    return pa.Table.from_batches(table.to_batches(max_chunksize=SAVE_BATCH_ROWS))
