"""Goals: school priorities, drafting, refinement, lifecycle, actions, feedback, progress.

A goal stores its *query* (assessment, skill, population, metric, baseline administration);
every number it shows (baseline, checkpoints, suggestions, the SMART check) is computed
from the score table through :func:`collabplan.metrics.metric_value` and
:func:`collabplan.metrics.skill_summary`, so a new upload moves every goal it measures.

Every change to a goal writes a ``goal_revision`` row (when, which team, what changed in
words, a JSON snapshot of the goal after the change). Refusals raise :class:`ValueError`
with a one-line reason a teacher can act on.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from collabplan import config
from collabplan.db import Database
from collabplan.metrics import METRICS, Filters, metric_value, skill_summary
from collabplan.text import (
    METRIC_LABELS,
    clean_population,
    describe_population,
    fewer_than,
    long_date,
    lower_is_better,
    metric_phrase,
    skill_words,
)
from collabplan.text import pct_exact as pct

LIFECYCLE = ("draft", "refined", "active", "met", "not_met", "revised")
LIFECYCLE_LABELS = {
    "draft": "draft",
    "refined": "refined",
    "active": "active",
    "met": "met",
    "not_met": "not met",
    "revised": "being revised",
}
#: Which lifecycle steps may follow which. "revised" reopens a goal for editing; it goes
#: back to refined/active once the team has changed it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("refined",),
    "refined": ("active", "draft"),
    "active": ("met", "not_met", "revised"),
    "revised": ("refined", "active"),
    "met": ("revised",),
    "not_met": ("revised",),
}
#: Goals that may still be edited (target, date, why, priority, population…).
EDITABLE = ("draft", "refined", "revised")
FEEDBACK_KINDS = ("suggestion", "resource", "question")
ACTION_STATUSES = ("planned", "in progress", "done", "dropped")


# -- small helpers ---------------------------------------------------------------------
def is_better(metric: str, value: float, than: float) -> bool:
    """True when ``value`` is strictly better than ``than`` for this metric."""
    return value < than if lower_is_better(metric) else value > than


def at_least_as_good(metric: str, value: float, than: float) -> bool:
    return value <= than if lower_is_better(metric) else value >= than


def to_date(value: Any) -> dt.date | None:
    """A date from a date, datetime, pandas Timestamp or ISO text (None stays None)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD") from exc


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"metric must be pct_below_proficient or pct_proficient, not {metric!r}")


# -- priorities ------------------------------------------------------------------------
def list_priorities(db: Database, include_archived: bool = False) -> pd.DataFrame:
    """School priorities in the leader's order, with how many goals serve each."""
    return db.query(
        """
        SELECT p.id, p.title, p.description, p.position, p.active,
               count(g.id)::INTEGER AS goals
        FROM priority p LEFT JOIN goal g ON g.priority_id = p.id
        WHERE p.active OR ?
        GROUP BY ALL ORDER BY p.position, p.id
        """,
        [include_archived],
    )


def add_priority(db: Database, title: str, description: str | None = None) -> int:
    title = (title or "").strip()
    if not title:
        raise ValueError(
            "a priority needs a title, for example 'Reading success for every student'"
        )
    if db.scalar("SELECT count(*) FROM priority WHERE lower(title) = lower(?)", [title]):
        raise ValueError(f"there is already a priority called {title!r}")
    with db.transaction() as cur:
        position = cur.execute("SELECT coalesce(max(position), 0) + 1 FROM priority").fetchone()[0]
        row = cur.execute(
            "INSERT INTO priority (title, description, position) VALUES (?, ?, ?) RETURNING id",
            [title, (description or "").strip() or None, position],
        ).fetchone()
    return int(row[0])


def update_priority(
    db: Database,
    priority_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> None:
    if title is not None:
        title = title.strip()
        if not title:
            raise ValueError("a priority needs a title")
        if db.scalar(
            "SELECT count(*) FROM priority WHERE lower(title) = lower(?) AND id <> ?",
            [title, priority_id],
        ):
            raise ValueError(f"there is already a priority called {title!r}")
    with db.transaction() as cur:
        cur.execute(
            "UPDATE priority SET title = coalesce(?, title),"
            " description = CASE WHEN ? THEN ? ELSE description END,"
            " active = coalesce(?, active) WHERE id = ?",
            [
                title,
                description is not None,
                (description or "").strip() or None,
                active,
                priority_id,
            ],
        )


def delete_priority(db: Database, priority_id: int) -> None:
    """Remove a priority no goal names; one that goals name can only be archived."""
    used = db.scalar("SELECT count(*) FROM goal WHERE priority_id = ?", [priority_id])
    if used:
        raise ValueError(
            f"{used} goal(s) name this priority; archive it instead so their history stays whole"
        )
    with db.transaction() as cur:
        cur.execute("DELETE FROM priority WHERE id = ?", [priority_id])


def move_priority(db: Database, priority_id: int, step: int) -> None:
    """Move a priority up (step -1) or down (+1) in the list."""
    ids = [int(i) for i in list_priorities(db, include_archived=True)["id"]]
    if priority_id not in ids:
        return
    i = ids.index(priority_id)
    j = min(max(i + step, 0), len(ids) - 1)
    ids.insert(j, ids.pop(i))
    with db.transaction() as cur:
        for pos, pid in enumerate(ids, start=1):
            cur.execute("UPDATE priority SET position = ? WHERE id = ?", [pos, pid])


# -- teams, assessments, administrations -----------------------------------------------
def list_teams(db: Database) -> pd.DataFrame:
    return db.query("SELECT id, name FROM team ORDER BY name")


def team_id_for(db: Database, name: str, create: bool = False) -> int:
    """The id of the team called ``name`` (created when ``create``)."""
    name = (name or "").strip()
    if not name:
        raise ValueError("--team needs a team name")
    found = db.scalar("SELECT id FROM team WHERE lower(name) = lower(?)", [name])
    if found is not None:
        return int(found)
    if not create:
        raise ValueError(f"no team called {name!r}")
    with db.transaction() as cur:
        return int(
            cur.execute("INSERT INTO team (name) VALUES (?) RETURNING id", [name]).fetchone()[0]
        )


def team_name(db: Database, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    return db.scalar("SELECT name FROM team WHERE id = ?", [team_id])


def list_assessments(db: Database) -> pd.DataFrame:
    return db.query("SELECT id, name, subject, kind FROM assessment ORDER BY name")


def administrations_scoring(
    db: Database,
    assessment_id: int,
    skill: str,
    population: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Administrations of an assessment that scored ``skill`` for the population, oldest first.

    Columns: administration_id, term, date, label, students, proficient, pct_proficient.
    """
    df = skill_summary(
        db,
        Filters.from_population(
            clean_population(population), assessment_id=assessment_id, skill=skill
        ),
    )
    cols = [
        "administration_id",
        "term",
        "date",
        "label",
        "students",
        "proficient",
        "pct_proficient",
    ]
    if df.empty:
        return pd.DataFrame(columns=cols)
    return df[cols].reset_index(drop=True)


def skills_of(db: Database, assessment_id: int) -> list[str]:
    return [
        r[0]
        for r in db.rows(
            "SELECT DISTINCT s.skill FROM score s JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ? AND s.item IS NULL ORDER BY s.skill",
            [assessment_id],
        )
    ]


def skills_by_need(db: Database, assessment_id: int) -> list[str]:
    """The assessment's skills, lowest % proficient in its latest window first (then the rest)."""
    df = skill_summary(db, Filters(assessment_id=assessment_id))
    every = skills_of(db, assessment_id)
    if df.empty:
        return every
    df = df.assign(_d=df["date"].map(to_date))
    latest = df.sort_values(["_d", "administration_id"], na_position="first").iloc[-1]
    window = df[df["administration_id"] == latest["administration_id"]]
    window = window[window["students"] >= config.MIN_GROUP_SIZE]
    ranked = list(window.sort_values(["pct_proficient", "skill"])["skill"])
    return ranked + [s for s in every if s not in ranked]


def default_team_for(db: Database, assessment_id: int) -> int | None:
    """The team that most recently uploaded results of this assessment (None when none did)."""
    found = db.scalar(
        "SELECT u.team_id FROM upload u WHERE u.team_id IS NOT NULL AND u.id IN ("
        " SELECT s.upload_id FROM score s JOIN administration a ON a.id = s.administration_id"
        " WHERE a.assessment_id = ?) ORDER BY u.uploaded_at DESC, u.id DESC LIMIT 1",
        [assessment_id],
    )
    return None if found is None else int(found)


def population_choices(db: Database, assessment_id: int) -> dict[str, list[str]]:
    """The grades, classes, teachers and groups seen on an assessment (for select boxes)."""
    out: dict[str, list[str]] = {}
    for key, expr in (
        ("grade", "coalesce(s.grade, st.grade)"),
        ("class", "coalesce(s.class_name, st.class_name)"),
        ("teacher", "coalesce(s.teacher, st.teacher)"),
    ):
        sql = (
            f"SELECT DISTINCT {expr} AS v FROM score s LEFT JOIN student st ON st.id = s.student_id"  # noqa: S608 - expr is one of three fixed column expressions above
            " JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ? AND s.item IS NULL AND v IS NOT NULL ORDER BY v"
        )
        out[key] = [str(r[0]) for r in db.rows(sql, [assessment_id])]
    out["group"] = [
        str(r[0])
        for r in db.rows(
            "SELECT DISTINCT g.group_name FROM student_group g WHERE g.student_id IN ("
            " SELECT s.student_id FROM score s JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ?) ORDER BY 1",
            [assessment_id],
        )
    ]
    return out


def _administration(db: Database, administration_id: int) -> dict[str, Any]:
    df = db.query(
        "SELECT a.id, a.assessment_id, t.name AS assessment, a.term, a.date, a.label"
        " FROM administration a JOIN assessment t ON t.id = a.assessment_id WHERE a.id = ?",
        [administration_id],
    )
    if df.empty:
        raise ValueError(f"there is no administration {administration_id}")
    row = df.iloc[0].to_dict()
    row["date"] = to_date(row["date"])
    row["term"] = None if pd.isna(row["term"]) else row["term"]
    return row


# -- baseline --------------------------------------------------------------------------
@dataclass
class Baseline:
    administration_id: int
    assessment: str
    term: str | None
    date: dt.date | None
    label: str
    value: float
    students: int
    pct_proficient: float


def compute_baseline(
    db: Database,
    administration_id: int,
    skill: str,
    metric: str,
    population: dict[str, Any] | None,
) -> Baseline:
    """The goal's metric on its baseline administration; refused when the group is too small."""
    _check_metric(metric)
    adm = _administration(db, administration_id)
    pop = clean_population(population)
    value, n = metric_value(db, administration_id, skill, metric, pop)
    who = describe_population(pop)
    if value is None or n == 0:
        raise ValueError(
            f"no {who} were scored on {skill!r} in {adm['assessment']} {adm['label']}; "
            "choose another skill, population or window"
        )
    if n < config.MIN_GROUP_SIZE:
        raise ValueError(
            f"only {n} {who} were scored on {skill!r} in {adm['label']}: a goal needs at least "
            f"{config.MIN_GROUP_SIZE} so no single student's result can be read from it; "
            "widen the population"
        )
    pct_prof = value if metric == "pct_proficient" else round(100.0 - value, 1)
    return Baseline(
        administration_id=int(administration_id),
        assessment=adm["assessment"],
        term=adm["term"],
        date=adm["date"],
        label=adm["label"],
        value=value,
        students=n,
        pct_proficient=pct_prof,
    )


def baseline_chart_data(
    db: Database,
    administration_id: int,
    skill: str,
    metric: str,
    population: dict[str, Any] | None,
) -> pd.DataFrame:
    """Every skill of the baseline administration for the population: the chart the baseline came from.

    Columns: skill, students, pct_proficient, value (the goal's metric), status, chosen.
    Suppressed rows keep value None.
    """
    _check_metric(metric)
    adm = _administration(db, administration_id)
    df = skill_summary(
        db,
        Filters.from_population(
            clean_population(population),
            assessment_id=adm["assessment_id"],
            administration_ids=(int(administration_id),),
        ),
    )
    if df.empty:
        return pd.DataFrame(
            columns=["skill", "students", "pct_proficient", "value", "status", "chosen"]
        )
    df = df[["skill", "students", "pct_proficient", "status"]].copy()
    small = df["students"] < config.MIN_GROUP_SIZE
    df["value"] = (
        df["pct_proficient"]
        if metric == "pct_proficient"
        else (100.0 - df["pct_proficient"]).round(1)
    )
    df.loc[small, ["value", "pct_proficient"]] = None
    df["chosen"] = df["skill"] == skill
    return df.reset_index(drop=True)


# -- validation ------------------------------------------------------------------------
def validate_target(
    metric: str,
    baseline_value: float,
    baseline_date: dt.date | None,
    target_value: float | None,
    target_date: dt.date | None,
) -> None:
    """Refuse a target that is impossible, not better than the baseline, or dated too early."""
    _check_metric(metric)
    if target_value is None:
        raise ValueError("give a target value between 0 and 100")
    try:
        target_value = float(target_value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the target {target_value!r} is not a number") from exc
    if pd.isna(target_value) or not 0 <= target_value <= 100:
        raise ValueError(
            f"the target {target_value:g} is impossible: a share of students lies between 0 and 100"
        )
    if not is_better(metric, target_value, baseline_value):
        direction = "below" if lower_is_better(metric) else "above"
        raise ValueError(
            f"the target {pct(target_value)} is not better than the baseline {pct(baseline_value)}: "
            f"for {METRIC_LABELS[metric]} it must be {direction} {pct(baseline_value)}"
        )
    if target_date is None:
        raise ValueError("give a target date (YYYY-MM-DD)")
    if baseline_date is not None and target_date <= baseline_date:
        raise ValueError(
            f"the target date {target_date.isoformat()} is not after the baseline "
            f"({baseline_date.isoformat()}); choose a later date"
        )


# -- goals -----------------------------------------------------------------------------
GOAL_COLUMNS = (
    "id",
    "team_id",
    "priority_id",
    "assessment_id",
    "skill",
    "metric",
    "population",
    "baseline_administration_id",
    "target_value",
    "target_date",
    "why",
    "status",
    "follow_assessment_ids",
    "next_step",
    "what_worked",
    "created_at",
    "updated_at",
)


@dataclass
class Goal:
    id: int
    team_id: int
    priority_id: int | None
    assessment_id: int
    skill: str
    metric: str
    population: dict[str, str]
    baseline_administration_id: int
    target_value: float | None
    target_date: dt.date | None
    why: str | None
    status: str
    follow_assessment_ids: list[int] = field(default_factory=list)
    next_step: str | None = None
    what_worked: str | None = None
    team: str | None = None
    assessment: str | None = None
    priority: str | None = None

    def snapshot(self) -> str:
        data = asdict(self)
        data["target_date"] = self.target_date.isoformat() if self.target_date else None
        return json.dumps(data, sort_keys=True, default=str)


def _none(v: Any) -> Any:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def get_goal(db: Database, goal_id: int) -> Goal:
    df = db.query(
        "SELECT g.*, t.name AS team, a.name AS assessment, p.title AS priority"
        " FROM goal g LEFT JOIN team t ON t.id = g.team_id"
        " LEFT JOIN assessment a ON a.id = g.assessment_id"
        " LEFT JOIN priority p ON p.id = g.priority_id WHERE g.id = ?",
        [goal_id],
    )
    if df.empty:
        raise ValueError(f"there is no goal {goal_id}")
    r = df.iloc[0]
    follow = r["follow_assessment_ids"]
    return Goal(
        id=int(r["id"]),
        team_id=int(r["team_id"]),
        priority_id=None if _none(r["priority_id"]) is None else int(r["priority_id"]),
        assessment_id=int(r["assessment_id"]),
        skill=r["skill"],
        metric=r["metric"],
        population=clean_population(json.loads(r["population"] or "{}")),
        baseline_administration_id=int(r["baseline_administration_id"]),
        target_value=None if _none(r["target_value"]) is None else float(r["target_value"]),
        target_date=to_date(_none(r["target_date"])),
        why=_none(r["why"]),
        status=r["status"],
        follow_assessment_ids=[int(x) for x in (follow if follow is not None else [])],
        next_step=_none(r["next_step"]),
        what_worked=_none(r["what_worked"]),
        team=_none(r["team"]),
        assessment=_none(r["assessment"]),
        priority=_none(r["priority"]),
    )


def list_goals(
    db: Database,
    team_id: int | None = None,
    priority_id: int | None = None,
    statuses: tuple[str, ...] | None = None,
) -> list[Goal]:
    ids = db.rows(
        "SELECT id FROM goal WHERE (? IS NULL OR team_id = ?) AND (? IS NULL OR priority_id = ?)"
        " ORDER BY team_id, id",
        [team_id, team_id, priority_id, priority_id],
    )
    goals = [get_goal(db, int(i)) for (i,) in ids]
    if statuses:
        goals = [g for g in goals if g.status in statuses]
    return goals


def _record(cur: Any, goal: Goal, by_team_id: int | None, change: str) -> None:
    cur.execute(
        "INSERT INTO goal_revision (goal_id, changed_by_team_id, change, snapshot) VALUES (?, ?, ?, ?)",
        [goal.id, by_team_id, change, goal.snapshot()],
    )


def create_goal(
    db: Database,
    *,
    team_id: int | None,
    assessment_id: int,
    skill: str,
    metric: str,
    baseline_administration_id: int,
    population: dict[str, Any] | None = None,
    priority_id: int | None = None,
    why: str | None = None,
    target_value: float | None = None,
    target_date: Any = None,
    status: str = "draft",
    by_team_id: int | None = None,
    new_team: str | None = None,
) -> int:
    """Draft a goal. The baseline is computed now; a group too small or a bad target is refused.

    ``team_id=None`` with ``new_team``: the team of that name (any case), created in the
    same transaction when there is none.
    """
    _check_metric(metric)
    pop = clean_population(population)
    adm = _administration(db, baseline_administration_id)
    if adm["assessment_id"] != assessment_id:
        raise ValueError("the baseline window belongs to another assessment")
    if team_id is None and not (new_team or "").strip():
        raise ValueError("choose a team")
    if team_id is not None and not db.scalar("SELECT count(*) FROM team WHERE id = ?", [team_id]):
        raise ValueError(f"there is no team {team_id}")
    base = compute_baseline(db, baseline_administration_id, skill, metric, pop)
    tdate = to_date(target_date)
    if target_value is not None or tdate is not None:
        validate_target(metric, base.value, base.date, target_value, tdate)
    if status not in LIFECYCLE:
        raise ValueError(f"status must be one of {', '.join(LIFECYCLE)}")
    with db.transaction() as cur:
        if team_id is None:
            found = cur.execute(
                "SELECT id FROM team WHERE lower(name) = lower(?)", [new_team.strip()]
            ).fetchone()
            team_id = (
                int(found[0])
                if found
                else int(
                    cur.execute(
                        "INSERT INTO team (name) VALUES (?) RETURNING id", [new_team.strip()]
                    ).fetchone()[0]
                )
            )
            by_team_id = team_id
        goal_id = int(
            cur.execute(
                "INSERT INTO goal (team_id, priority_id, assessment_id, skill, metric, population,"
                " baseline_administration_id, target_value, target_date, why, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    team_id,
                    priority_id,
                    assessment_id,
                    skill,
                    metric,
                    json.dumps(pop),
                    baseline_administration_id,
                    None if target_value is None else float(target_value),
                    tdate,
                    (why or "").strip() or None,
                    status,
                ],
            ).fetchone()[0]
        )
        # Same cursor, same transaction: the new row is visible here.
        _record(
            cur,
            get_goal(db, goal_id),
            by_team_id if by_team_id is not None else team_id,
            f"drafted: {METRIC_LABELS[metric]} in {skill} for {describe_population(pop)}, "
            f"baseline {pct(base.value)} ({base.label}, {base.students} students)",
        )
    return goal_id


_UPDATABLE = {
    "priority_id",
    "why",
    "target_value",
    "target_date",
    "population",
    "metric",
    "skill",
    "baseline_administration_id",
    "follow_assessment_ids",
    "next_step",
    "what_worked",
}


def update_goal(
    db: Database,
    goal_id: int,
    *,
    by_team_id: int | None = None,
    change: str | None = None,
    **changes: Any,
) -> Goal:
    """Change a goal's fields, re-checking baseline and target; keeps a revision row.

    The query and target may change only while the goal is a draft, refined or being
    revised; notes (next step, what worked) and the assessments the goal follows (which add
    checkpoints but change neither baseline nor target) may change at any time.
    """
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
    goal = get_goal(db, goal_id)
    locked = set(changes) - {"next_step", "what_worked", "follow_assessment_ids"}
    if locked and goal.status not in EDITABLE:
        raise ValueError(
            f"the goal is {LIFECYCLE_LABELS[goal.status]}; mark it 'being revised' before changing it"
        )
    new = Goal(**{**asdict(goal)})
    for key, value in changes.items():
        if key == "population":
            value = clean_population(value)
        elif key == "target_date":
            value = to_date(value)
        elif key == "target_value":
            value = None if value is None else float(value)
        elif key == "follow_assessment_ids":
            value = [int(v) for v in value or []]
        elif key in ("why", "next_step", "what_worked"):
            value = (value or "").strip() or None
        setattr(new, key, value)
    _check_metric(new.metric)
    adm = _administration(db, new.baseline_administration_id)
    if adm["assessment_id"] != new.assessment_id:
        raise ValueError("the baseline window belongs to another assessment")
    if locked - {"why", "priority_id"}:
        base = compute_baseline(
            db, new.baseline_administration_id, new.skill, new.metric, new.population
        )
        if new.target_value is not None or new.target_date is not None:
            validate_target(new.metric, base.value, base.date, new.target_value, new.target_date)
    for aid in new.follow_assessment_ids:
        if aid == new.assessment_id:
            continue
        if not db.scalar(
            "SELECT count(*) FROM score s JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ? AND s.skill = ? AND s.item IS NULL",
            [aid, new.skill],
        ):
            name = db.scalar("SELECT name FROM assessment WHERE id = ?", [aid]) or aid
            raise ValueError(f"{name} does not score {new.skill!r}, so it cannot follow this goal")
    if change is None:
        change = "changed " + ", ".join(sorted(k.replace("_", " ") for k in changes))
    with db.transaction() as cur:
        cur.execute(
            "UPDATE goal SET priority_id = ?, why = ?, target_value = ?, target_date = ?,"
            " population = ?, metric = ?, skill = ?, baseline_administration_id = ?,"
            " follow_assessment_ids = ?, next_step = ?, what_worked = ?,"
            " updated_at = current_timestamp WHERE id = ?",
            [
                new.priority_id,
                new.why,
                new.target_value,
                new.target_date,
                json.dumps(new.population),
                new.metric,
                new.skill,
                new.baseline_administration_id,
                new.follow_assessment_ids,
                new.next_step,
                new.what_worked,
                goal_id,
            ],
        )
        _record(cur, get_goal(db, goal_id), by_team_id, change)
    return get_goal(db, goal_id)


def refinement_gaps(db: Database, goal: Goal) -> list[str]:
    """What a goal still lacks before it counts as refined (empty when complete)."""
    missing = []
    if not goal.why:
        missing.append("say why the team chose this goal")
    if goal.priority_id is None:
        missing.append("name the school priority it serves")
    if goal.target_value is None:
        missing.append("set a target")
    if goal.target_date is None:
        missing.append("set a target date")
    return missing


def set_status(
    db: Database,
    goal_id: int,
    status: str,
    *,
    by_team_id: int | None = None,
    note: str | None = None,
) -> Goal:
    """Move a goal along draft -> refined -> active -> met / not met / revised."""
    goal = get_goal(db, goal_id)
    if status not in LIFECYCLE:
        raise ValueError(f"status must be one of {', '.join(LIFECYCLE)}")
    if status not in TRANSITIONS[goal.status]:
        allowed = ", ".join(LIFECYCLE_LABELS[s] for s in TRANSITIONS[goal.status]) or "nothing"
        raise ValueError(
            f"a goal that is {LIFECYCLE_LABELS[goal.status]} can become {allowed}, "
            f"not {LIFECYCLE_LABELS[status]}"
        )
    if status in ("refined", "active"):
        gaps = refinement_gaps(db, goal)
        if gaps:
            raise ValueError("before it is " + LIFECYCLE_LABELS[status] + ": " + "; ".join(gaps))
        base = compute_baseline(
            db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population
        )
        validate_target(goal.metric, base.value, base.date, goal.target_value, goal.target_date)
    goal.status = status
    change = f"{LIFECYCLE_LABELS[status]}" + (f": {note.strip()}" if note and note.strip() else "")
    with db.transaction() as cur:
        cur.execute(
            "UPDATE goal SET status = ?, updated_at = current_timestamp WHERE id = ?",
            [status, goal_id],
        )
        _record(cur, goal, by_team_id if by_team_id is not None else goal.team_id, change)
    return get_goal(db, goal_id)


def delete_draft(db: Database, goal_id: int) -> None:
    """Throw away a draft nobody else has seen (posted goals keep their history)."""
    goal = get_goal(db, goal_id)
    if goal.status != "draft":
        raise ValueError("only a draft can be deleted; mark a posted goal 'not met' or revise it")
    with db.transaction() as cur:
        for table in ("goal_revision", "action", "feedback", "checkpoint"):
            cur.execute(f"DELETE FROM {table} WHERE goal_id = ?", [goal_id])  # noqa: S608 - fixed table names
        cur.execute("DELETE FROM goal WHERE id = ?", [goal_id])


def goal_history(db: Database, goal_id: int) -> pd.DataFrame:
    """Every change: when, which team, what, and the snapshot (JSON text)."""
    return db.query(
        'SELECT r.id, r.changed_at AS "when", t.name AS team, r.change, r.snapshot'
        " FROM goal_revision r LEFT JOIN team t ON t.id = r.changed_by_team_id"
        " WHERE r.goal_id = ? ORDER BY r.id",
        [goal_id],
    )


def history_rows(db: Database, goal_id: int) -> pd.DataFrame:
    """Every change in words, with the goal's status, target and date as they were after it."""
    hist = goal_history(db, goal_id)
    rows = []
    for r in hist.to_dict("records"):
        snap = json.loads(r["snapshot"] or "{}")
        rows.append(
            {
                "when": r["when"],
                "team": r["team"],
                "change": r["change"],
                "status": LIFECYCLE_LABELS.get(snap.get("status"), snap.get("status")),
                "target": pct(snap.get("target_value")),
                "by": snap.get("target_date") or "–",
                "priority": snap.get("priority") or "–",
            }
        )
    return pd.DataFrame(
        rows, columns=["when", "team", "change", "status", "target", "by", "priority"]
    )


# -- statement -------------------------------------------------------------------------
def statement_text(
    metric: str,
    skill: str,
    population: dict[str, Any] | None,
    baseline_value: float | None,
    target_value: float | None,
    target_date: dt.date | None,
) -> str:
    """The goal in plain words.

    "Reduce the share of grade 3 students below proficiency in vocabulary from 40% to 25%
    by 29 January 2027."
    """
    who = describe_population(population)
    what = skill_words(skill)
    if lower_is_better(metric):
        head = f"Reduce the share of {who} below proficiency in {what}"
    else:
        head = f"Raise the share of {who} proficient in {what}"
    if baseline_value is not None:
        head += f" from {pct(baseline_value)}"
    if target_value is not None:
        head += f" to {pct(target_value)}"
    if target_date is not None:
        head += f" by {long_date(target_date)}"
    return head + "."


def goal_statement(db: Database, goal: Goal) -> str:
    value, n = metric_value(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population
    )
    if n < config.MIN_GROUP_SIZE:
        value = None
    return statement_text(
        goal.metric, goal.skill, goal.population, value, goal.target_value, goal.target_date
    )


# -- suggestions -----------------------------------------------------------------------
@dataclass
class Suggestion:
    value: float
    date: dt.date | None
    reason: str
    basis: str  # "this skill's growth" | "comparable skills' growth" | "half the gap"


def _history(db: Database, goal_like: Goal) -> pd.DataFrame:
    """pct_proficient of every skill × administration for the population, up to the baseline."""
    base_adm = _administration(db, goal_like.baseline_administration_id)
    df = skill_summary(
        db, Filters.from_population(goal_like.population, assessment_id=goal_like.assessment_id)
    )
    if df.empty:
        return df
    df = df[df["students"] >= config.MIN_GROUP_SIZE].copy()
    df["date"] = df["date"].map(to_date)
    if base_adm["date"] is not None:
        df = df[df["date"].map(lambda d: d is not None and d <= base_adm["date"])]
    else:
        df = df[df["administration_id"] <= base_adm["id"]]
    return df


def _windows(df: pd.DataFrame) -> list[tuple[int, str, dt.date | None]]:
    w = df[["administration_id", "label", "date"]].drop_duplicates("administration_id")
    w = w.sort_values(["date", "administration_id"], na_position="first")
    return [(int(a), str(label), d) for a, label, d in w.itertuples(index=False)]


@dataclass
class ObservedGrowth:
    """Improvements in pct_proficient between consecutive earlier windows."""

    this_skill: list[tuple[str, str, float, int]]  # (from label, to label, points, days)
    comparable_median: float | None
    comparable_from: str | None
    comparable_to: str | None
    comparable_days: int | None
    window_days: int | None


def observed_growth(db: Database, goal: Goal) -> ObservedGrowth:
    df = _history(db, goal)
    out = ObservedGrowth([], None, None, None, None, None)
    if df.empty:
        return out
    wins = _windows(df)
    gaps = []
    for (a1, l1, d1), (a2, l2, d2) in zip(wins, wins[1:], strict=False):
        days = (d2 - d1).days if d1 and d2 else None
        if days:
            gaps.append(days)
        p1 = df[(df["administration_id"] == a1)].set_index("skill")["pct_proficient"]
        p2 = df[(df["administration_id"] == a2)].set_index("skill")["pct_proficient"]
        if goal.skill in p1.index and goal.skill in p2.index:
            out.this_skill.append(
                (l1, l2, round(float(p2[goal.skill] - p1[goal.skill]), 1), days or 0)
            )
        both = p1.index.intersection(p2.index).drop(goal.skill, errors="ignore")
        if len(both):
            out.comparable_median = round(float((p2[both] - p1[both]).median()), 1)
            out.comparable_from, out.comparable_to, out.comparable_days = l1, l2, days
    if gaps:
        out.window_days = int(sorted(gaps)[len(gaps) // 2])
    return out


def suggested_date(db: Database, goal: Goal) -> dt.date | None:
    """One testing window after the baseline if windows are regular, else the semester's end."""
    base = _administration(db, goal.baseline_administration_id)["date"]
    if base is None:
        return None
    growth = observed_growth(db, goal)
    if growth.window_days and 30 <= growth.window_days <= 250:
        return base + dt.timedelta(days=growth.window_days)
    # End of the semester the baseline falls in: late January or mid June.
    if base.month >= 8:
        return dt.date(base.year + 1, 1, 29)
    if base.month <= 1:
        return dt.date(base.year, 6, 12)
    return dt.date(base.year, 6, 12) if base.month < 6 else dt.date(base.year + 1, 1, 29)


def _as_metric(metric: str, pct_proficient: float) -> float:
    return pct_proficient if metric == "pct_proficient" else 100.0 - pct_proficient


def suggestions(db: Database, goal: Goal) -> list[Suggestion]:
    """Targets computed from the data, each with a sentence saying where it comes from."""
    base = compute_baseline(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population
    )
    date = goal.target_date or suggested_date(db, goal)
    growth = observed_growth(db, goal)
    out: list[Suggestion] = []

    def add(pct_prof: float, reason: str, basis: str) -> None:
        value = round(min(max(_as_metric(goal.metric, pct_prof), 0.0), 100.0))
        if is_better(goal.metric, value, base.value) and all(s.value != value for s in out):
            out.append(Suggestion(float(value), date, reason, basis))

    gains = [g for g in growth.this_skill if g[2] > 0]
    if gains:
        f, t, points, _ = gains[-1]
        add(
            base.pct_proficient + points,
            f"{goal.skill} rose {points:g} points in % proficient between {f} and {t}; "
            f"the same growth again goes from {metric_phrase(base.value, goal.metric)} to "
            f"{metric_phrase(round(_as_metric(goal.metric, base.pct_proficient + points)), goal.metric)}.",
            "this skill's growth",
        )
    if growth.comparable_median is not None and growth.comparable_median > 0:
        m = growth.comparable_median
        add(
            base.pct_proficient + m,
            f"The other skills on this assessment grew a median of {m:g} points in % proficient "
            f"between {growth.comparable_from} and {growth.comparable_to}; matching that gives "
            f"{metric_phrase(round(_as_metric(goal.metric, base.pct_proficient + m)), goal.metric)}.",
            "comparable skills' growth",
        )
    chart = baseline_chart_data(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population
    )
    others = chart[(~chart["chosen"]) & chart["pct_proficient"].notna()]
    if not others.empty:
        best = others.loc[others["pct_proficient"].idxmax()]
        if best["pct_proficient"] > base.pct_proficient:
            half = base.pct_proficient + (float(best["pct_proficient"]) - base.pct_proficient) / 2
            add(
                half,
                f"The team's strongest skill, {best['skill']}, has {pct(best['pct_proficient'])} "
                f"proficient; closing half of the gap from {pct(base.pct_proficient)} gives "
                f"{metric_phrase(round(_as_metric(goal.metric, half)), goal.metric)}.",
                "half the gap",
            )
    return out


# -- SMART check -----------------------------------------------------------------------
@dataclass
class SmartItem:
    letter: str
    name: str
    met: bool
    why: str


def smart_check(db: Database, goal: Goal) -> list[SmartItem]:
    """Specific, measurable, achievable, relevant, time-bound: each judged from the goal itself."""
    items: list[SmartItem] = []
    who = describe_population(goal.population)
    grade = None if goal.population else _only_grade(db, goal)
    specific = bool(goal.skill) and (bool(goal.population) or grade is not None)
    if specific and not goal.population:
        who = f"the grade {grade} students this assessment scored"
    items.append(
        SmartItem(
            "S",
            "Specific",
            specific,
            f"names a skill ({goal.skill}) and a population ({who})."
            if specific
            else f"names the skill {goal.skill} but every student across grades: "
            "choose a grade, class, teacher or group."
            if goal.skill
            else "choose a skill.",
        )
    )
    try:
        base = compute_baseline(
            db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population
        )
    except ValueError as exc:
        base = None
        reason = str(exc)
    items.append(
        SmartItem(
            "M",
            "Measurable",
            base is not None,
            f"{METRIC_LABELS[goal.metric]} is computed from the data: {pct(base.value)} of "
            f"{base.students} students scored in {base.label}."
            if base
            else f"no baseline: {reason}.",
        )
    )
    items.append(_achievable(db, goal, base))
    items.append(
        SmartItem(
            "R",
            "Relevant",
            goal.priority_id is not None,
            f"serves the school priority \u201c{goal.priority}\u201d."
            if goal.priority_id is not None
            else "name the school priority this goal serves.",
        )
    )
    time_ok = goal.target_date is not None and (
        base is None or base.date is None or goal.target_date > base.date
    )
    items.append(
        SmartItem(
            "T",
            "Time-bound",
            time_ok,
            f"due {long_date(goal.target_date)}."
            if time_ok
            else "set a target date after the baseline."
            if goal.target_date
            else "set a target date.",
        )
    )
    return items


def _only_grade(db: Database, goal: Goal) -> str | None:
    """The one grade scored on the goal's skill in its baseline window (None when several)."""
    df = skill_summary(
        db,
        Filters(administration_ids=(goal.baseline_administration_id,), skill=goal.skill),
        by="grade",
    )
    grades = [g for g in df["by"].dropna().unique()] if not df.empty else []
    return str(grades[0]) if len(grades) == 1 and len(df) == 1 else None


def _achievable(db: Database, goal: Goal, base: Baseline | None) -> SmartItem:
    if base is None or goal.target_value is None:
        return SmartItem(
            "A", "Achievable", False, "set a target to compare with the growth seen so far."
        )
    needed = abs(goal.target_value - base.value)
    growth = observed_growth(db, goal)
    seen = [(g[2], f"{goal.skill} between {g[0]} and {g[1]}", g[3]) for g in growth.this_skill]
    if growth.comparable_median is not None:
        seen.append(
            (
                growth.comparable_median,
                f"the other skills' median between {growth.comparable_from} and {growth.comparable_to}",
                growth.comparable_days or 0,
            )
        )
    if not seen:
        return SmartItem(
            "A",
            "Achievable",
            False,
            f"needs {needed:g} points; no earlier window to compare with yet (upload an earlier window).",
        )
    best, where, days = max(seen, key=lambda s: s[0])
    span = (goal.target_date - base.date).days if goal.target_date and base.date else None
    # Scale the best growth seen to the goal's own time span (one window when unknown).
    allowed = best * (span / days) if span and days else best
    ok = best > 0 and needed <= max(allowed, best) + 1e-9
    if ok:
        why = f"needs {needed:g} points; {where} grew {best:g} points."
    else:
        why = (
            f"needs {needed:g} points but the best growth seen was {best:g} points ({where}); "
            "consider a nearer target or a later date."
        )
    return SmartItem("A", "Achievable", ok, why)


# -- progress --------------------------------------------------------------------------
@dataclass
class Point:
    administration_id: int
    assessment: str
    term: str | None
    date: dt.date | None
    label: str
    value: float | None
    students: int
    expected: float | None
    on_track: bool | None
    suppressed: bool


@dataclass
class GoalProgress:
    goal_id: int
    metric: str
    baseline: Point
    checkpoints: list[Point]
    target_value: float | None
    target_date: dt.date | None
    latest: Point | None
    status: str  # "on track" | "behind" | "met" | "not enough data yet"
    gap_closed: float | None


def expected_value(
    base_date: dt.date | None,
    base_value: float | None,
    target_date: dt.date | None,
    target_value: float | None,
    at: dt.date | None,
) -> float | None:
    """The straight line from baseline to target at ``at`` (held at the target after its date)."""
    if None in (base_date, base_value, target_date, target_value, at) or target_date <= base_date:
        return None
    share = min(max((at - base_date).days / (target_date - base_date).days, 0.0), 1.0)
    return round(base_value + (target_value - base_value) * share, 1)


def _point(
    db: Database, adm: dict[str, Any], skill: str, metric: str, population: dict[str, str]
) -> Point:
    value, n = metric_value(db, adm["id"], skill, metric, population)
    suppressed = n < config.MIN_GROUP_SIZE
    return Point(
        administration_id=int(adm["id"]),
        assessment=adm["assessment"],
        term=adm["term"],
        date=adm["date"],
        label=adm["label"],
        value=None if suppressed else value,
        students=int(n),
        expected=None,
        on_track=None,
        suppressed=suppressed,
    )


def later_administrations(db: Database, goal: Goal) -> list[dict[str, Any]]:
    """Administrations after the baseline (same or follow-up assessments) that scored the skill."""
    base = _administration(db, goal.baseline_administration_id)
    ids = [goal.assessment_id, *[a for a in goal.follow_assessment_ids if a != goal.assessment_id]]
    df = db.query(
        "SELECT a.id, a.assessment_id, t.name AS assessment, a.term, a.date, a.label"
        " FROM administration a JOIN assessment t ON t.id = a.assessment_id"
        " WHERE list_contains(?, a.assessment_id) AND a.id <> ?"
        " AND EXISTS (SELECT 1 FROM score s WHERE s.administration_id = a.id AND s.skill = ?"
        "             AND s.item IS NULL)"
        " ORDER BY a.date NULLS LAST, a.id",
        [ids, base["id"], goal.skill],
    )
    out = []
    for r in df.to_dict("records"):
        r["date"] = to_date(_none(r["date"]))
        r["term"] = _none(r["term"])
        if base["date"] is not None:
            if r["date"] is None or r["date"] <= base["date"]:
                continue
        elif r["id"] < base["id"] or r["assessment_id"] != goal.assessment_id:
            continue
        out.append(r)
    return out


def goal_progress(db: Database, goal_id: int) -> GoalProgress:
    """Baseline, every later checkpoint with its expected value, and where the goal stands.

    Checkpoints are the later administrations (date after the baseline's) of the goal's
    assessment or its follow-up assessments that scored the skill for the population.
    Groups under MIN_GROUP_SIZE keep their student count but no value (suppressed).
    """
    goal = get_goal(db, goal_id)
    base_adm = _administration(db, goal.baseline_administration_id)
    baseline = _point(db, base_adm, goal.skill, goal.metric, goal.population)
    checkpoints: list[Point] = []
    for adm in later_administrations(db, goal):
        p = _point(db, adm, goal.skill, goal.metric, goal.population)
        if p.students == 0:
            continue  # this window did not score the skill for this population
        p.expected = expected_value(
            baseline.date, baseline.value, goal.target_date, goal.target_value, p.date
        )
        if p.value is not None and p.expected is not None:
            p.on_track = at_least_as_good(goal.metric, p.value, p.expected)
        checkpoints.append(p)
    measured = [p for p in checkpoints if p.value is not None]
    latest = measured[-1] if measured else None
    status = "not enough data yet"
    gap_closed = None
    if latest is not None and baseline.value is not None and goal.target_value is not None:
        distance = goal.target_value - baseline.value
        if distance:
            gap_closed = round((latest.value - baseline.value) / distance, 3)
        if at_least_as_good(goal.metric, latest.value, goal.target_value):
            status = "met"
        elif latest.on_track is not None:
            status = "on track" if latest.on_track else "behind"
    return GoalProgress(
        goal_id=goal.id,
        metric=goal.metric,
        baseline=baseline,
        checkpoints=checkpoints,
        target_value=goal.target_value,
        target_date=goal.target_date,
        latest=latest,
        status=status,
        gap_closed=gap_closed,
    )


def progress_frame(progress: GoalProgress) -> pd.DataFrame:
    """Baseline and checkpoints as rows (kind, label, date, value, students, expected, on_track, suppressed)."""
    rows = [{"kind": "baseline", **asdict(progress.baseline)}]
    rows += [{"kind": "checkpoint", **asdict(p)} for p in progress.checkpoints]
    return pd.DataFrame(rows)


def checkpoint_rows(progress: GoalProgress) -> pd.DataFrame:
    """Checkpoints as a table to show: window, date, value, students, expected, on track.

    Small groups read "fewer than 10 students" and show no count.
    """

    rows = []
    for p in progress.checkpoints:
        rows.append(
            {
                "window": p.label if p.assessment is None else f"{p.assessment}, {p.label}",
                "date": p.date,
                "value": fewer_than() if p.suppressed else pct(p.value),
                "students": "–" if p.suppressed else str(p.students),
                "expected": pct(p.expected),
                "on track": "–" if p.on_track is None else ("yes" if p.on_track else "no"),
            }
        )
    return pd.DataFrame(
        rows, columns=["window", "date", "value", "students", "expected", "on track"]
    )


# -- board -----------------------------------------------------------------------------
def point_text(p: Point | None) -> str:
    if p is None:
        return "–"
    if p.suppressed:

        return fewer_than()
    return pct(p.value)


def board_cards(
    db: Database,
    priority_id: int | None = None,
    team_id: int | None = None,
    include_drafts: bool = True,
) -> list[dict[str, Any]]:
    """One card per goal (its current version): statement, priority, numbers, progress, feedback."""
    cards = []
    for goal in list_goals(db, team_id=team_id, priority_id=priority_id):
        if goal.status == "draft" and not include_drafts:
            continue
        prog = goal_progress(db, goal.id)
        open_fb = db.scalar(
            "SELECT count(*) FROM feedback WHERE goal_id = ? AND NOT answered", [goal.id]
        )
        cards.append(
            {
                "goal_id": goal.id,
                "team_id": goal.team_id,
                "team": goal.team,
                "priority": goal.priority,
                "statement": statement_text(
                    goal.metric,
                    goal.skill,
                    goal.population,
                    prog.baseline.value,
                    goal.target_value,
                    goal.target_date,
                ),
                "lifecycle": LIFECYCLE_LABELS[goal.status],
                "status": prog.status,
                "baseline": point_text(prog.baseline),
                "latest": point_text(prog.latest),
                "target": pct(goal.target_value),
                "metric": goal.metric,
                "open_feedback": int(open_fb or 0),
                "progress": prog,
            }
        )
    return cards


PROGRESS_STATUSES = ("on track", "behind", "met", "not enough data yet")


def status_counts(cards: list[dict[str, Any]]) -> dict[str, int]:
    """How many board cards are on track, behind, met, or waiting for data (in that order)."""
    return {s: sum(1 for c in cards if c["status"] == s) for s in PROGRESS_STATUSES}


# -- actions ---------------------------------------------------------------------------
ACTION_COLUMNS = ["id", "what", "who", "start_date", "due_date", "status", "evidence"]


def list_actions(db: Database, goal_id: int) -> pd.DataFrame:
    df = db.query(
        "SELECT id, what, who, start_date, due_date, status, evidence FROM action"
        " WHERE goal_id = ? ORDER BY start_date NULLS LAST, id",
        [goal_id],
    )
    for col in ("start_date", "due_date"):
        df[col] = df[col].map(lambda v: to_date(_none(v)))
    return df


def _clean_action(row: dict[str, Any]) -> dict[str, Any]:
    what = str(_none(row.get("what")) or "").strip()
    if not what:
        raise ValueError("every action needs a 'what'")
    status = str(_none(row.get("status")) or "planned").strip()
    if status not in ACTION_STATUSES:
        raise ValueError(
            f"action status must be one of {', '.join(ACTION_STATUSES)}, not {status!r}"
        )
    start, due = to_date(_none(row.get("start_date"))), to_date(_none(row.get("due_date")))
    if start and due and due < start:
        raise ValueError(f"the action {what!r} is due before it starts")
    return {
        "what": what,
        "who": str(_none(row.get("who")) or "").strip() or None,
        "start_date": start,
        "due_date": due,
        "status": status,
        "evidence": str(_none(row.get("evidence")) or "").strip() or None,
    }


def add_action(db: Database, goal_id: int, *, by_team_id: int | None = None, **row: Any) -> int:
    clean = _clean_action(row)
    get_goal(db, goal_id)
    with db.transaction() as cur:
        return int(
            cur.execute(
                "INSERT INTO action (goal_id, what, who, start_date, due_date, status, evidence)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [goal_id, *clean.values()],
            ).fetchone()[0]
        )


def save_actions(
    db: Database, goal_id: int, table: pd.DataFrame, *, by_team_id: int | None = None
) -> int:
    """Replace a goal's action plan with the edited table (rows without an id are new).

    Returns the number of actions saved. Rows left blank are ignored; a row with no
    'what' but other cells filled is refused.
    """
    goal = get_goal(db, goal_id)
    rows = []
    for row in table.to_dict("records"):
        filled = [
            k for k in ("what", "who", "start_date", "due_date", "evidence") if _none(row.get(k))
        ]
        if not filled:
            continue
        clean = _clean_action(row)
        rid = _none(row.get("id"))
        rows.append((None if rid is None else int(rid), clean))
    before = len(list_actions(db, goal_id))
    with db.transaction() as cur:
        keep = [rid for rid, _ in rows if rid is not None]
        cur.execute(
            "DELETE FROM action WHERE goal_id = ? AND NOT list_contains(?, id)", [goal_id, keep]
        )
        for rid, c in rows:
            if rid is None:
                cur.execute(
                    "INSERT INTO action (goal_id, what, who, start_date, due_date, status, evidence)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [goal_id, *c.values()],
                )
            else:
                cur.execute(
                    "UPDATE action SET what = ?, who = ?, start_date = ?, due_date = ?, status = ?,"
                    " evidence = ? WHERE id = ? AND goal_id = ?",
                    [*c.values(), rid, goal_id],
                )
        _record(
            cur,
            goal,
            by_team_id if by_team_id is not None else goal.team_id,
            f"action plan saved ({len(rows)} actions, {before} before)",
        )
    return len(rows)


def team_actions(db: Database, team_id: int | None = None) -> pd.DataFrame:
    """Actions across a team's goals (all teams when None), for the timeline chart."""
    df = db.query(
        "SELECT a.id, a.goal_id, t.name AS team, g.skill, a.what, a.who, a.start_date, a.due_date,"
        " a.status FROM action a JOIN goal g ON g.id = a.goal_id JOIN team t ON t.id = g.team_id"
        " WHERE ? IS NULL OR g.team_id = ? ORDER BY a.start_date NULLS LAST, a.id",
        [team_id, team_id],
    )
    for col in ("start_date", "due_date"):
        df[col] = df[col].map(lambda v: to_date(_none(v)))
    return df


# -- feedback --------------------------------------------------------------------------
def add_feedback(db: Database, goal_id: int, from_team_id: int, kind: str, body: str) -> int:
    """Another team's suggestion, resource or question on a posted goal."""
    goal = get_goal(db, goal_id)
    if kind not in FEEDBACK_KINDS:
        raise ValueError(f"feedback is a {', a '.join(FEEDBACK_KINDS)}, not {kind!r}")
    body = (body or "").strip()
    if not body:
        raise ValueError("write the suggestion, resource or question first")
    if from_team_id == goal.team_id:
        raise ValueError("feedback comes from other teams; the owning team answers it")
    with db.transaction() as cur:
        return int(
            cur.execute(
                "INSERT INTO feedback (goal_id, from_team_id, kind, body) VALUES (?, ?, ?, ?) RETURNING id",
                [goal_id, from_team_id, kind, body],
            ).fetchone()[0]
        )


def list_feedback(db: Database, goal_id: int) -> pd.DataFrame:
    return db.query(
        "SELECT f.id, t.name AS team, f.kind, f.body, f.created_at, f.answered, f.answer"
        " FROM feedback f LEFT JOIN team t ON t.id = f.from_team_id WHERE f.goal_id = ?"
        " ORDER BY f.answered, f.id",
        [goal_id],
    )


def answer_feedback(
    db: Database, feedback_id: int, answer: str | None = None, by_team_id: int | None = None
) -> None:
    """The owning team marks a piece of feedback answered (with an optional reply)."""
    row = db.rows("SELECT goal_id FROM feedback WHERE id = ?", [feedback_id])
    if not row:
        raise ValueError(f"there is no feedback {feedback_id}")
    goal = get_goal(db, int(row[0][0]))
    if by_team_id is not None and by_team_id != goal.team_id:
        raise ValueError("only the team that owns the goal marks its feedback answered")
    with db.transaction() as cur:
        cur.execute(
            "UPDATE feedback SET answered = true, answer = ? WHERE id = ?",
            [(answer or "").strip() or None, feedback_id],
        )


# -- command line ----------------------------------------------------------------------
def _admin_for_term(db: Database, assessment_id: int, assessment: str, term: str) -> int:
    rows = db.rows(
        "SELECT id FROM administration WHERE assessment_id = ?"
        " AND (lower(term) = lower(?) OR lower(label) = lower(?) OR CAST(date AS VARCHAR) = ?)"
        " ORDER BY date NULLS LAST, id",
        [assessment_id, term, term, term],
    )
    if not rows:
        known = [
            r[0]
            for r in db.rows(
                "SELECT coalesce(term, label) FROM administration WHERE assessment_id = ?"
                " ORDER BY date NULLS LAST, id",
                [assessment_id],
            )
        ]
        raise ValueError(
            f"--baseline-term {term!r}: {assessment} has no such window (it has: {', '.join(known) or 'none'})"
        )
    if len(rows) > 1:
        raise ValueError(
            f"--baseline-term {term!r} matches several windows of {assessment}; give its date"
        )
    return int(rows[0][0])


def cli_add_goal(
    db: Database,
    *,
    team: str,
    assessment: str,
    skill: str,
    baseline_term: str | None = None,
    where: dict[str, Any] | None = None,
    metric: str,
    target: float,
    by: Any,
) -> dict[str, Any]:
    """``goal add``: create a goal (status draft) and return it in the ``goals --json`` form.

    The baseline window defaults to the LATEST administration that scored the skill for the
    population: a goal starts from the reality today. Unknown teams are created; everything
    else is refused with a one-line ValueError and the database is left unchanged.
    """
    _check_metric(metric)
    pop = clean_population(where)
    assessment_id = db.scalar(
        "SELECT id FROM assessment WHERE lower(name) = lower(?)", [assessment]
    )
    if assessment_id is None:
        known = [r[0] for r in db.rows("SELECT name FROM assessment ORDER BY name")]
        raise ValueError(
            f"--assessment {assessment!r} is not in the database (it has: {', '.join(known) or 'nothing yet; import a file first'})"
        )
    assessment_id = int(assessment_id)
    name = db.scalar("SELECT name FROM assessment WHERE id = ?", [assessment_id])
    skills = skills_of(db, assessment_id)
    match = [s for s in skills if s.lower() == (skill or "").lower()]
    if not match:
        raise ValueError(
            f"--skill {skill!r}: {name} does not score it (it scores: {', '.join(skills)})"
        )
    skill = match[0]
    if baseline_term:
        admin_id = _admin_for_term(db, assessment_id, name, baseline_term)
    else:
        scored = administrations_scoring(db, assessment_id, skill, pop)
        if scored.empty:
            raise ValueError(f"no {describe_population(pop)} were scored on {skill!r} in {name}")
        scored = scored.assign(_d=scored["date"].map(to_date))
        scored = scored.sort_values(["_d", "administration_id"], na_position="first")
        admin_id = int(scored.iloc[-1]["administration_id"])
    base = compute_baseline(db, admin_id, skill, metric, pop)
    try:
        target_value = float(target)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"--target {target!r} is not a number") from exc
    validate_target(metric, base.value, base.date, target_value, to_date(by))
    if not (team or "").strip():
        raise ValueError("--team needs a team name")
    found = db.scalar("SELECT id FROM team WHERE lower(name) = lower(?)", [team.strip()])
    team_id = None if found is None else int(found)
    goal_id = create_goal(
        db,
        team_id=team_id,
        new_team=team.strip(),
        assessment_id=assessment_id,
        skill=skill,
        metric=metric,
        baseline_administration_id=admin_id,
        population=pop,
        target_value=target_value,
        target_date=to_date(by),
        by_team_id=team_id,
    )
    return goal_json(db, goal_id)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def goal_json(db: Database, goal_id: int) -> dict[str, Any]:
    """One goal in the section 6 ``goals --json`` form (plus its lifecycle step)."""
    goal = get_goal(db, goal_id)
    prog = goal_progress(db, goal_id)
    b = prog.baseline
    return {
        "id": goal.id,
        "team": goal.team,
        "statement": statement_text(
            goal.metric, goal.skill, goal.population, b.value, goal.target_value, goal.target_date
        ),
        "assessment": goal.assessment,
        "skill": goal.skill,
        "metric": goal.metric,
        "population": dict(goal.population),
        "baseline": {
            "term": b.term or b.label,
            "date": _iso(b.date),
            "value": b.value,
            "students": b.students,
        },
        "target": {"value": goal.target_value, "date": _iso(goal.target_date)},
        "checkpoints": [
            {
                "term": p.term or p.label,
                "date": _iso(p.date),
                "value": p.value,
                "students": p.students,
                "expected": p.expected,
                "on_track": p.on_track,
            }
            for p in prog.checkpoints
        ],
        "status": prog.status,
        "lifecycle": goal.status,
        "priority": goal.priority,
    }


def goals_json(db: Database, team: str | None = None) -> list[dict[str, Any]]:
    """``goals --json``: every goal (or one team's), oldest first."""
    team_id = None
    if team:
        found = db.scalar("SELECT id FROM team WHERE lower(name) = lower(?)", [team])
        if found is None:
            raise ValueError(f"--team {team!r}: there is no such team")
        team_id = int(found)
    ids = db.rows(
        "SELECT id FROM goal WHERE ? IS NULL OR team_id = ? ORDER BY id", [team_id, team_id]
    )
    return [goal_json(db, int(i)) for (i,) in ids]
