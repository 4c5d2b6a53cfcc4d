"""Figure builders: each a pure function from a DataFrame to a ``plotly.graph_objects.Figure``.

No I/O, no Streamlit. One module per area so the review, goal and workspace figures can
grow side by side; everything is re-exported here (``from collabplan import charts``).
"""

from collabplan.charts.focus import focus_chart  # noqa: F401
from collabplan.charts.goals import (  # noqa: F401
    action_timeline,
    baseline_chart,
    progress_sparkline,
)
from collabplan.charts.progress import (  # noqa: F401
    gap_closed_figure,
    progress_figure,
    progress_title,
)
from collabplan.charts.review import (  # noqa: F401
    coach_chart,
    equity_gap_chart,
    growth_chart,
    item_analysis_chart,
    level_distribution_chart,
    profile_finding,
    skill_heatmap,
    skill_profile,
)
from collabplan.charts.style import COLORS, STATUS_COLORS, base_layout  # noqa: F401
from collabplan.charts.workspace import (  # noqa: F401
    criteria_ratings_chart,
    survey_rounds_chart,
    theme_counts_chart,
    theory_timeline_chart,
)
