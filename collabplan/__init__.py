"""collabplan: from a team's assessment spreadsheets to a focused goal, tracked to the end of the year."""

__version__ = "0.1.0"
