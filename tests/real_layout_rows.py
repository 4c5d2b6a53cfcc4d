"""A csv in a real layout's header order (tests/real_layouts.py) with the cells a test writes.

Tests that check a preset reads an export exactly write each row's telling cells themselves
(window, date, student, every score cell) so they can count the expected results from what
they wrote; the remaining cells take the plausible vendor values of
:func:`tests.real_layouts.value`.
"""

from __future__ import annotations

import csv
import io
import re

from tests.real_layouts import HEADERS, value


def layout_rows(name: str, rows: list[dict[str, str]], blank: str | None = None) -> bytes:
    """A csv of ``rows`` in the real header order of layout ``name``.

    Each row gives cells by header; headers it does not give take ``value(header, i)``, except
    those matching the regular expression ``blank`` (score cells a test fills itself), which
    stay empty. A header a row gives that the layout lacks is an error (a typo in the test)."""
    headers = HEADERS[name]
    skip = re.compile(blank) if blank else None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for i, row in enumerate(rows):
        unknown = set(row) - set(headers)
        if unknown:
            raise KeyError(f"{name} has no {sorted(unknown)}")
        writer.writerow([
            row[h] if h in row else "" if skip is not None and skip.search(h) else value(h, i)
            for h in headers
        ])
    return out.getvalue().encode()
