"""collabplan: from a team's assessment spreadsheets to a focused goal, tracked to the end of the year."""

import os

__version__ = "0.1.0"

# Arrow tables handed over by DuckDB may have buffers that Arrow's query engine (used by
# pyarrow's group_by) finds poorly aligned; by default it then prints a warning per batch on
# stderr. Copying such a buffer is Arrow's own documented remedy and costs little here.
os.environ.setdefault("ACERO_ALIGNMENT_HANDLING", "reallocate")
