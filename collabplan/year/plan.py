"""A team's year plan: generated from its goal, then edited by the team.

The generator proposes, for one goal: a check-in a week after each testing window the
uploads show for the goal's assessment (the school's usual fall, winter and spring windows
when they show none), a mid-year signpost at the end of the first semester, a share at a staff
meeting, and a review on the goal's target date. Each proposal has a ``key``; a generated row
keeps it in ``year_item.source_key``, so generating again offers only the keys the goal does
not have yet and never touches a row the team edited (moved, renamed, marked done).

Staff-meeting shares (which meeting, which team, what) are rows of kind ``staff_share``,
generated or added by hand. Every write needs ``viewer.can_edit_team`` for the row's team and
is recorded in the audit log with the person; a delete returns a
:class:`collabplan.workspace.store.Removed` that :func:`restore` puts back (the Undo button).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.advice import SCHOOL_DATES, SEASONS, in_year, school_year
from collabplan.goals.lookups import administration
from collabplan.goals.model import LOCAL, get_goal
from collabplan.goals.values import to_date
from collabplan.text import metric_phrase
from collabplan.workspace import store
from collabplan.workspace.teams import goal_label
from collabplan.year.items import KINDS, CalendarItem

#: The kinds a team writes into its plan (keys of KINDS), in the order the editor offers them.
PLAN_KINDS = ("checkin", "signpost", "staff_share", "plan")
#: (month, day, season) of a school's usual testing windows, when the uploads show none yet.
USUAL_WINDOWS = ((9, 15, "fall"), (1, 20, "winter"), (5, 12, "spring"))
#: A check-in comes this long after its window: the results are back and can be read together.
CHECKIN_AFTER = dt.timedelta(days=7)
#: Staff meetings are on this weekday (0 Monday); the first of the month.
STAFF_MEETING_WEEKDAY = 2
#: The generated mid-year signpost (its kind, "Signpost", is said beside it).
MIDYEAR_TITLE = "Mid-year, with leadership"
#: What an edit changed, in the audit log's words.
CHANGE_WORDS = {"on_date": "date", "title": "title", "done": "done", "detail": "notes",
                "staff_meeting": "staff meeting", "kind": "kind"}
PLAN_COLUMNS = ["id", "team_id", "team", "goal_id", "kind", "title", "on_date", "detail",
                "staff_meeting", "done", "source_key"]
_SELECT = ("SELECT y.id, y.team_id, t.name AS team, y.goal_id, y.kind, y.title, y.on_date,"
           " y.detail, y.staff_meeting, y.done, y.source_key FROM year_item y"
           " LEFT JOIN team t ON t.id = y.team_id")


@dataclass(frozen=True)
class Proposal:
    """One item the generator offers for a goal (not stored until the team adds it)."""

    key: str
    kind: str
    title: str
    on: dt.date
    detail: str | None = None
    staff_meeting: str | None = None


# -- the generator --------------------------------------------------------------------------
def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def staff_meeting_after(day: dt.date) -> dt.date:
    """The school's staff meeting after ``day``: the first Wednesday of the next month."""
    first = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first + dt.timedelta(days=(STAFF_MEETING_WEEKDAY - first.weekday()) % 7)


def staff_meeting_name(day: dt.date) -> str:
    """ "February staff meeting"."""
    return f"{day:%B} staff meeting"


#: The season a testing window without one in its name falls in, by month.
SEASON_MONTHS = {8: "fall", 9: "fall", 10: "fall", 11: "fall", 12: "winter", 1: "winter",
                 2: "winter", 3: "spring", 4: "spring", 5: "spring", 6: "spring", 7: "summer"}
#: Benchmark names some vendors give their windows (DIBELS: beginning, middle, end of year).
SEASON_WORDS = {"boy": "fall", "moy": "winter", "eoy": "spring", "autumn": "fall"}


def _free_staff_meeting(db: Database, team_id: int, begins: dt.date, middle: dt.date,
                        ends: dt.date, today: dt.date) -> dt.date | None:
    """The staff meeting (first Wednesday of a month, after ``begins``, by ``ends``) where the
    team shares: the first from ``middle`` on, else the last before it, at which no other team
    shares yet (teams take turns); the first of that order when every one is taken; None when
    no staff meeting falls inside the goal's time. Meetings still to come (from ``today``)
    are preferred to past ones."""
    meetings = []
    day = staff_meeting_after(begins - dt.timedelta(days=31))
    while day <= ends:
        if day > begins:
            meetings.append(day)
        day = staff_meeting_after(day)
    if not meetings:
        return None
    meetings = [d for d in meetings if d >= today] or meetings
    order = [d for d in meetings if d >= middle] + [d for d in reversed(meetings) if d < middle]
    taken = {to_date(d) for (d,) in db.rows(
        "SELECT on_date FROM year_item WHERE kind = 'staff_share' AND team_id <> ?",
        [int(team_id)])}
    return next((d for d in order if d not in taken), order[0])


def _season(term: str | None, day: dt.date) -> str:
    first = (term or "").strip().split(" ")[0].lower()
    first = SEASON_WORDS.get(first, first)
    return first if first in SEASONS else SEASON_MONTHS[day.month]


def testing_windows(db: Database, assessment_id: int, year_start: dt.date
                    ) -> list[tuple[dt.date, str, str]]:
    """(date in the school year starting ``year_start``, key, words) of the assessment's testing
    windows, one per season: the uploads' (from any year, by month and day, the earliest day
    they give it; the season named by the window, "Fall", "BOY", else by its month), and the
    school's usual fall, winter and spring windows for the seasons the uploads do not show yet
    (in the fall only the fall window is uploaded). ``words``: "the fall testing window"."""
    found: dict[str, tuple[dt.date, str, str]] = {}
    for term, day in db.rows(
        "SELECT term, date FROM administration WHERE assessment_id = ?"
        " AND date IS NOT NULL ORDER BY date, id", [int(assessment_id)],
    ):
        day = to_date(day)
        if day is None:
            continue
        season = _season(term, day)
        when = in_year(day.month, day.day, year_start)
        if season not in found or when < found[season][0]:
            found[season] = (when, season, f"the {season} testing window")
    for month, day, season in USUAL_WINDOWS:  # seasons the uploads do not show (yet)
        if season not in found:
            found[season] = (in_year(month, day, year_start), season,
                             f"the {season} testing window")
    return sorted(found.values())


def proposals(db: Database, goal_id: int, today: dt.date | None = None) -> list[Proposal]:
    """Everything the generator would plan for ``goal_id`` from its baseline window to its
    target date (no target: the end of the school year of ``today``, default the real today),
    earliest first, whether or not the team has it already. Check-ins follow the windows of
    every school year the goal spans; the mid-year signpost is in the year of its target."""
    goal = get_goal(db, goal_id)
    today = today or dt.date.today()
    base = administration(db, goal.baseline_administration_id)
    begins = to_date(base.get("date")) or school_year(today)[0]
    ends = goal.target_date or school_year(max(today, begins))[1]
    year_start = school_year(ends)[0]  # the school year the goal aims at
    label = goal_label(goal.skill, goal.metric, _population_text(goal.population))
    out: list[Proposal] = []
    first_year = school_year(begins)[0]
    while first_year <= year_start:
        for window, key, words in testing_windows(db, goal.assessment_id, first_year):
            day = _weekday_on_or_after(window + CHECKIN_AFTER)
            if window <= begins or day > ends:
                continue
            out.append(Proposal(
                f"checkin:{first_year.year}-{key}", "checkin", f"After {words}", day,
                f"Read the {goal.assessment} results together: is {label} on track? "
                "Adjust the action plan."))
        first_year = first_year.replace(year=first_year.year + 1)
    month, mday, words = SCHOOL_DATES[0]
    midyear = _weekday_on_or_before(in_year(month, mday, year_start))
    if begins < midyear < ends:
        out.append(Proposal("midyear", "signpost", MIDYEAR_TITLE, midyear,
                            f"At {words}: how is {label} going, what resources the team needs,"
                            " what it decides."))
    middle = midyear if begins < midyear < ends else begins + (ends - begins) / 2
    share = _free_staff_meeting(db, goal.team_id, begins, middle, ends, today)
    if share is not None:
        out.append(Proposal("share", "staff_share", "Our goal and what we are learning",
                            share, f"{label}: where we started, where we are, one thing that "
                            "worked. Ask colleagues for ideas.", staff_meeting_name(share)))
    if goal.target_date is not None and goal.target_date > begins:
        target = ("" if goal.target_value is None
                  else f"Target: {metric_phrase(goal.target_value, goal.metric)}. ")
        out.append(Proposal("target", "checkin", "Goal review: did we reach our target?",
                            goal.target_date, f"{target}Decide: met, not met, or revise; "
                            "write what worked and the next step."))
    return sorted(out, key=lambda p: (p.on, p.key))


def _population_text(population: dict[str, Any]) -> str:
    return json.dumps(population or {})


def missing(db: Database, goal_id: int, today: dt.date | None = None, *,
            include_past: bool = False) -> list[Proposal]:
    """The proposals the goal's plan does not hold yet (by key: a row the team moved or
    renamed still counts as there), from ``today`` on unless ``include_past``."""
    today = today or dt.date.today()
    have = {k for (k,) in db.rows(
        "SELECT source_key FROM year_item WHERE goal_id = ? AND source_key IS NOT NULL",
        [int(goal_id)])}
    return [p for p in proposals(db, goal_id, today)
            if p.key not in have and (include_past or p.on >= today)]


def generate(db: Database, goal_id: int, *, viewer: Viewer = LOCAL,
             keys: list[str] | None = None, today: dt.date | None = None,
             include_past: bool = False, audited: bool = True) -> list[int]:
    """Add to the goal's team plan what :func:`missing` offers (only ``keys`` when given);
    returns the new ids. Items dated before ``today`` are added marked done (with
    ``include_past``). Generating twice adds nothing the second time. ``audited=False`` only
    for the demo school's seeding, which no person did (the demo's log starts empty)."""
    goal = get_goal(db, goal_id)
    viewer.require_team(goal.team_id, "plan this team's year")
    today = today or dt.date.today()
    chosen = [p for p in missing(db, goal_id, today, include_past=include_past)
              if keys is None or p.key in keys]
    ids = []
    with db.transaction() as cur:
        for p in chosen:
            ids.append(int(cur.execute(
                "INSERT INTO year_item (team_id, goal_id, kind, title, on_date, detail,"
                " staff_meeting, done, source_key, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                [int(goal.team_id), int(goal.id), p.kind, p.title, p.on, p.detail, p.staff_meeting,
                 p.on < today, p.key, viewer.who],
            ).fetchone()[0]))
        if ids and audited:
            audit.record(cur, viewer.who, "year plan",
                         f"generated {len(ids)} items for goal {goal.id} of team {goal.team_id}")
    return ids


# -- editing ----------------------------------------------------------------------------------
def _kind(kind: str) -> str:
    if kind not in PLAN_KINDS:
        raise UserError(f"a year plan item is one of {', '.join(KINDS[k] for k in PLAN_KINDS)}",
                        kind="input")
    return kind


def _day(value: Any) -> dt.date:
    day = to_date(value)
    if day is None:
        raise UserError("give the item a date (YYYY-MM-DD)", kind="input")
    return day


def add_item(db: Database, team_id: int, on: Any, title: str, *, kind: str = "plan",
             goal_id: int | None = None, detail: str | None = None,
             staff_meeting: str | None = None, viewer: Viewer = LOCAL,
             audited: bool = True) -> int:
    """Add one item to ``team_id``'s year plan (by hand: no generator key); ``audited`` as
    in :func:`generate`."""
    viewer.require_team(team_id, "change this team's year plan")
    title, day, kind = store.need(title, "what the item is"), _day(on), _kind(kind)
    if not db.scalar("SELECT count(*) FROM team WHERE id = ?", [int(team_id)]):
        raise UserError(f"there is no team {team_id}", kind="state")
    if kind == "staff_share":
        staff_meeting = store.clean_text(staff_meeting) or staff_meeting_name(day)
    with db.transaction() as cur:
        new = int(cur.execute(
            "INSERT INTO year_item (team_id, goal_id, kind, title, on_date, detail, staff_meeting,"
            " added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [int(team_id), None if goal_id is None else int(goal_id), kind, title, day, store.clean_text(detail),
             store.clean_text(staff_meeting), viewer.who],
        ).fetchone()[0])
        if audited:
            audit.record(cur, viewer.who, "year plan",
                         f"added item {new} ({KINDS[kind].lower()}) for team {team_id}")
    return new


def add_share(db: Database, team_id: int, on: Any, what: str, staff_meeting: str | None = None,
              *, goal_id: int | None = None, viewer: Viewer = LOCAL, audited: bool = True) -> int:
    """Plan that ``team_id`` shares ``what`` at a staff meeting on ``on`` (the meeting's name
    defaults to its month: "February staff meeting")."""
    return add_item(db, team_id, on, what, kind="staff_share", goal_id=goal_id,
                    staff_meeting=staff_meeting, viewer=viewer, audited=audited)


def item(db: Database, item_id: int) -> dict[str, Any]:
    """One plan item as a dict (PLAN_COLUMNS; on_date a date)."""
    found = store.record(db, f"{_SELECT} WHERE y.id = ?", [int(item_id)])
    if found is None:
        raise UserError("That year plan item is no longer there", kind="state")
    found["on_date"] = to_date(found["on_date"])
    return found


def update_item(db: Database, item_id: int, *, viewer: Viewer = LOCAL, **changes: Any) -> None:
    """Move (``on_date``), rename (``title``), mark done (``done``), or change ``detail``,
    ``staff_meeting`` or ``kind`` of one item; the generator's key stays."""
    unknown = set(changes) - {"on_date", "title", "done", "detail", "staff_meeting", "kind"}
    if unknown:
        raise UserError(f"a year plan item has no {', '.join(sorted(unknown))}", kind="input")
    row = item(db, item_id)
    viewer.require_team(row["team_id"], "change this team's year plan")
    new = {**row, **changes}
    values = [_kind(new["kind"]), store.need(new["title"], "what the item is"),
              _day(new["on_date"]), store.clean_text(new["detail"]),
              store.clean_text(new["staff_meeting"]), bool(new["done"])]
    with db.transaction() as cur:
        cur.execute(
            "UPDATE year_item SET kind = ?, title = ?, on_date = ?, detail = ?, staff_meeting = ?,"
            " done = ?, updated_at = current_timestamp WHERE id = ?", [*values, int(item_id)])
        audit.record(cur, viewer.who, "year plan",
                     f"changed item {item_id} of team {row['team_id']} "
                     f"({', '.join(sorted(CHANGE_WORDS[c] for c in changes))})")


def delete_item(db: Database, item_id: int, *, viewer: Viewer = LOCAL) -> store.Removed:
    """Delete one item (audited); what went, for :func:`restore`."""
    row = item(db, item_id)
    viewer.require_team(row["team_id"], "change this team's year plan")
    removed = store.Removed("The year plan item")
    with db.transaction() as cur:
        found = cur.execute("SELECT * FROM year_item WHERE id = ?", [int(item_id)])
        names = [d[0] for d in found.description]
        taken = [dict(zip(names, r, strict=True)) for r in found.fetchall()]
        cur.execute("DELETE FROM year_item WHERE id = ?", [int(item_id)])
        audit.record(cur, viewer.who, "delete", f"year plan item {item_id} of team "
                                                     f"{row['team_id']} on {row['on_date']}")
    removed.tables.append(("year_item", taken))
    return removed


def restore(db: Database, removed: store.Removed, *, viewer: Viewer = LOCAL) -> None:
    """Put back exactly what :func:`delete_item` removed (same id and key)."""
    rows = [r for table, taken in removed.tables if table == "year_item" for r in taken]
    for r in rows:
        viewer.require_team(r["team_id"], "change this team's year plan")
    with db.transaction() as cur:
        for r in rows:
            if cur.execute("SELECT count(*) FROM year_item WHERE id = ?", [r["id"]]).fetchone()[0]:
                continue  # already back (a second click on Undo)
            cols = list(r)
            cur.execute(
                f"INSERT INTO year_item ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",  # noqa: S608 - columns are the table's own
                [r[c] for c in cols])
            audit.record(cur, viewer.who, "undo", f"year plan item {r['id']} put back")


# -- reading ------------------------------------------------------------------------------------
def _frame(db: Database, where: str, params: list[Any]) -> pd.DataFrame:
    df = store.query(db, f"{_SELECT} WHERE {where} ORDER BY y.on_date, y.id", params)  # noqa: S608 - fixed clauses
    df["on_date"] = df["on_date"].map(to_date)
    df["done"] = df["done"].astype(bool)
    return df


def team_plan(db: Database, team_id: int) -> pd.DataFrame:
    """A team's year plan, earliest first (PLAN_COLUMNS)."""
    return _frame(db, "y.team_id = ?", [int(team_id)])


def staff_shares(db: Database) -> pd.DataFrame:
    """Every team's staff-meeting shares, earliest first (PLAN_COLUMNS): which meeting, which
    team, what. The whole staff sees them at the meeting, so everyone may read them."""
    return _frame(db, "y.kind = 'staff_share'", [])


def calendar_items(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """The year plans and staff-meeting shares as calendar items (uid ``year-<id>``).

    A teacher reads their own teams' plans and every team's staff-meeting shares (the
    whole staff is at the meeting); leaders and coaches (and ``viewer=None``) read all."""
    scope = None if viewer is None else viewer.team_scope
    df = _frame(db, "true", [])
    out = []
    for r in df.itertuples(index=False):
        if scope is not None and r.team_id not in scope and r.kind != "staff_share":
            continue
        detail = r.detail
        if r.kind == "staff_share" and r.staff_meeting:
            detail = f"At the {r.staff_meeting}" + (f". {detail}" if detail else "")
        out.append(CalendarItem(uid=f"year-{r.id}", on=r.on_date, kind=r.kind, title=r.title,
                                team=r.team, detail=detail, page="calendar", done=bool(r.done)))
    return out
