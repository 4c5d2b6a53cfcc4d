"""The read-only view of the collaboration structures (the goal report's section and the
page's summary): the seven structures with the school's record, the mentoring pairs with
where their coaching cycle stands, and the "share what works" log.

Coaching notes are left out: they belong to the pair (collabplan/workspace/mentoring.py) and
the report is shared with the whole staff.
"""

from __future__ import annotations

from markupsafe import Markup

from collabplan.db import Database
from collabplan.reports.render import render
from collabplan.text import short_date
from collabplan.workspace import mentoring, share_log, structures


def _date(value: object) -> str | None:
    return None if value is None else short_date(value)


def structures_view(db: Database) -> Markup:
    overview = structures.overview(db)
    shown = []
    for row in overview.itertuples():
        next_step = None
        if row.next_step:
            next_step = row.next_step + (f" ({_date(row.next_step_on)})" if row.next_step_on else "")
        shown.append((row.structure, row.runs or "Not recorded", row.owner, row.time_text,
                      row.how_often, row.status, next_step, row.notes))
    pairs = []
    for row in mentoring.pairs(db, viewer=None).itertuples():
        cycles = mentoring.cycles(db, row.id, viewer=None)
        steps = "; ".join(
            f"{s['label']}: " + (f"done {_date(s['done_on'])}" if s["done_on"]
                                 else f"planned {_date(s['planned_on'])}" if s["planned_on"]
                                 else "not planned")
            for s in cycles[-1]["steps"]
        ) if cycles else None
        pairs.append((row.mentor, row.mentee, row.focus, _date(row.started_on), row.now, steps))
    log = [(e.title, e.team or "Whole school", e.how_to_use, e.shared_where, _date(e.shared_on))
           for e in share_log.entries(db).itertuples()]
    return render(
        "structures.html.j2",
        structures=shown,
        running=int((overview["runs"] == structures.RUNS["runs"]).sum()),
        total=len(overview),
        pairs=pairs,
        log=log,
    )
