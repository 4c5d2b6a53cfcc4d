"""The one Jinja2 environment the reports render through (autoescape on), and plotly charts.

Templates live in ``collabplan/reports/templates/*.html.j2``. Text from the database is only
ever passed as plain values, so the environment escapes it; the only markup passed in is what
plotly generates for a figure and sections these templates rendered themselves.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def blank(value: Any) -> Any:
    """None and NaN show as nothing (pandas blanks would print "None" or "nan")."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value


def dash(value: Any) -> Any:
    """None and NaN show as "—" (a workspace field not filled in yet)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return value


ENVIRONMENT = Environment(
    loader=PackageLoader("collabplan.reports", "templates"),
    autoescape=True,
    keep_trailing_newline=False,
)
ENVIRONMENT.filters["blank"] = blank
ENVIRONMENT.filters["dash"] = dash


def render(template: str, **context: Any) -> Markup:
    """``templates/<template>`` rendered with ``context`` (escaped), as markup to embed."""
    return Markup(ENVIRONMENT.get_template(template).render(**context))


def chart(fig: go.Figure, *, with_plotlyjs: bool) -> Markup:
    """A figure's HTML, carrying plotly.js inline when ``with_plotlyjs`` (the first chart only).

    The markup is plotly's own output for a figure built from aggregates, never user text.
    """
    div = fig.to_html(full_html=False, include_plotlyjs=with_plotlyjs, config=PLOTLY_CONFIG,
                      default_height="460px")
    return Markup(div)
