"""The guided data review: the questions a team asks, answers drafted from the numbers, and
the team's own notes kept per team and administration.

The answers use counts and percentages only (never a student), so they are safe to project.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.disclosure import shown_count
from collabplan.school import DEFAULT_FLOOR
from collabplan.text import count, fewer_than, pct, pct_exact, plural, points

#: The person of the command line and of an app without sign-in (a leader).
LOCAL = Viewer.local_user()

QUESTIONS = (
    "Where are our students strong?",
    "Where do they need more?",
    "Which skills lag?",
    "Where has growth stalled?",
    "Who needs re-teaching or extension?",
)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


def _ok(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[summary["status"] != "suppressed"]


def strongest(summary: pd.DataFrame) -> str:
    ok = _ok(summary)
    if ok.empty:
        return "Too few students scored to say."
    top = ok.sort_values("pct_proficient", ascending=False)
    best = top.iloc[0]
    text = (f"Strongest: {best['skill']}, {pct(best['pct_proficient'])} of "
            f"{count(int(best['students']), 'student')}.")
    more = top[(top["status"] == "strength") & (top["skill"] != best["skill"])]
    if not more.empty:
        text += " Also strong: " + ", ".join(
            f"{r.skill} {pct(r.pct_proficient)}" for r in more.itertuples()) + "."
    elif best["status"] != "strength":
        text += (f" No skill is {config.STATUS_MARGIN:.0f} points above the median "
                 f"({pct(best['median'])}).")
    return text


def needs_more(summary: pd.DataFrame, suppress: bool = False) -> str:
    ok = _ok(summary)
    if ok.empty:
        return "Too few students scored to say."
    low = ok.sort_values("pct_proficient").head(2)
    parts = [f"{r.skill} {pct(r.pct_proficient)}" for r in low.itertuples()]
    first = low.iloc[0]
    not_yet = int(first["students"] - first["proficient"])
    # A count of 1–9 students is itself a small group: not said when suppressing.
    some = (f"fewer than {config.MIN_GROUP_SIZE}"
            if suppress and 0 < not_yet < config.MIN_GROUP_SIZE else str(not_yet))
    return (f"Lowest: {', '.join(parts)}. {some} of {int(first['students'])} students are not "
            f"yet proficient on {first['skill']}.")


def lagging(summary: pd.DataFrame, floor: float = DEFAULT_FLOOR) -> str:
    """Which skills lag, each with why: under the school's ``floor`` (% proficient), or at
    least STATUS_MARGIN points below the median of the test's skills (section 4)."""
    ok = _ok(summary)
    if ok.empty:
        return "Too few students scored to say."
    lag = ok[ok["status"] == "lagging"].sort_values("pct_proficient")
    floor_words = f"the school's floor of {floor:g}%"
    if lag.empty:
        return (f"No skill lags: every skill is within {config.STATUS_MARGIN:.0f} points of the "
                f"median ({pct(ok['median'].iloc[0])}) and at or above {floor_words} proficient.")
    parts = []
    for r in lag.itertuples():
        why = []
        if r.pct_proficient < floor:
            why.append(f"under {floor_words}")
        below = r.median - r.pct_proficient
        if below >= config.STATUS_MARGIN:
            why.append(f"{below:.0f} points below the median")
        parts.append(f"{r.skill}, {pct(r.pct_proficient)} proficient, {' and '.join(why)}")
    head = "Lagging: "
    if len(lag) == len(ok) and (ok["pct_proficient"] < floor).all():
        head = (f"Every skill is under {floor_words} proficient, so every skill lags, "
                "lowest first: ")
    return head + "; ".join(parts) + "."


def stalled(growth: pd.DataFrame | None, since: str | None) -> str:
    if growth is None or since is None:
        return "Nothing to compare with yet: growth shows once a second administration is loaded."
    ok = growth[~growth["suppressed"]]
    if ok.empty:
        return f"Too few students were scored both times ({since} and now) to say."
    stuck = ok[ok["stagnant"]].sort_values("growth")
    if stuck.empty:
        return (f"No skill stalled: every skill grew at least {config.STAGNANT_BELOW:.0f} points "
                f"since {since}.")
    return "Stagnant: " + "; ".join(
        f"{r.skill}, {points(r.growth)} since {since}" for r in stuck.itertuples()) + "."


def reteach_extend(summary: pd.DataFrame, bands: pd.DataFrame | None,
                   suppress: bool = False) -> str:
    ok = _ok(summary)
    if ok.empty or bands is None or bands.empty:
        return "Too few students scored to say."
    b = bands.set_index("skill")
    low = ok.sort_values("pct_proficient").iloc[0]["skill"]
    high_row = b.loc[b.index.isin(ok["skill"])].sort_values("well_past", na_position="first").iloc[-1]
    text = f"Re-teach: {_students(b.loc[low, 'not_yet'], suppress)} not yet proficient on {low}."
    if pd.isna(high_row["well_past"]) or high_row["well_past"] > 0:
        text += (f" Extend: {_students(high_row['well_past'], suppress)} already well past "
                 f"{high_row.name}.")
    return text + " The lists are on Students by skill."


def review_answers(
    summary: pd.DataFrame,
    growth: pd.DataFrame | None = None,
    since: str | None = None,
    bands: pd.DataFrame | None = None,
    suppress: bool = False,
    floor: float = DEFAULT_FLOOR,
) -> list[Answer]:
    """Draft answers to the five review questions.

    ``summary``: skill_summary of one administration (no ``by``); ``growth``: metrics.growth
    from the administration named ``since`` to this one; ``bands``: breakdowns.skill_bands.
    ``suppress`` (projection mode, coaches): counts of 1 to 9 students read "fewer than 10
    students" (pass the frames through collabplan.disclosure first). ``floor``: the
    school's floor for lagging (school.lagging_floor, the value ``summary`` was made with).
    """
    if summary.empty:
        return [Answer(q, "No scores for these filters yet.") for q in QUESTIONS]
    return [
        Answer(QUESTIONS[0], strongest(summary)),
        Answer(QUESTIONS[1], needs_more(summary, suppress)),
        Answer(QUESTIONS[2], lagging(summary, floor)),
        Answer(QUESTIONS[3], stalled(growth, since)),
        Answer(QUESTIONS[4], reteach_extend(summary, bands, suppress)),
    ]


def _students(n: object, suppress: bool) -> str:
    """ "12 students"; hidden or (when suppressing) 1–9: "fewer than 10 students"."""
    if suppress or pd.isna(n):
        return shown_count(n, True)
    return count(int(n), "student")


# -- the team's notes ----------------------------------------------------------------------


def load_note(
    db: Database, team_id: int | None, administration_id: int, *, viewer: Viewer = LOCAL
) -> str:
    """The team's saved notes on one administration ("" when none, or when ``viewer`` is a
    teacher of other teams: a team's notes may speak of its students)."""
    if not (viewer.sees_every_team or viewer.can_see_team(team_id)):
        return ""
    body = db.scalar(
        "SELECT body FROM review_note WHERE team_id IS NOT DISTINCT FROM ?"
        " AND administration_id = ? ORDER BY updated_at DESC, id DESC LIMIT 1",
        [team_id, administration_id],
    )
    return body or ""


def save_note(
    db: Database, team_id: int | None, administration_id: int, body: str,
    *, viewer: Viewer = LOCAL,
) -> None:
    """Keep one note per team and administration: replace it, or delete it when emptied.

    Only the team's own teachers and leaders write it (school-wide notes, ``team_id`` None:
    leaders); ``updated_by`` keeps the writer's email."""
    viewer.require_team(team_id, "write this team's notes")
    with db.transaction() as cur:
        cur.execute(
            "DELETE FROM review_note WHERE team_id IS NOT DISTINCT FROM ? AND administration_id = ?",
            [team_id, administration_id],
        )
        if body.strip():
            cur.execute(
                "INSERT INTO review_note (team_id, administration_id, body, updated_by)"
                " VALUES (?, ?, ?, ?)",
                [team_id, administration_id, body.strip(), viewer.who],
            )


#: A skill's status (metrics.add_status) in the numbers table.
SKILL_STATUS_WORDS = {"strength": "strength", "typical": "typical", "lagging": "lagging",
                      "suppressed": "not shown (too few students)"}

#: What the other breakdown of a "Skills by …" view is, for a sentence that points to it.
OTHER_BREAKDOWN = {"teacher": "Skills by class", "class": "Skills by teacher"}


def breakdown_gap(by_summary: pd.DataFrame, by_label: str) -> str | None:
    """Why a skills × ``by_label`` (class, teacher) chart would say nothing, and what to do
    instead, in one or two sentences of plain text (escape it before Markdown: it names a
    class or teacher); None when it has two or more to compare.

    Nothing to draw: these results name no class (teacher) for any student. One column: all
    the students here have one, so the chart would repeat the skill chart. Every cell hidden:
    each group is under the minimum size. ``by_summary``: skill_summary(..., by=by_label)
    (after collabplan.disclosure)."""
    many = plural(2, by_label)
    other = OTHER_BREAKDOWN.get(by_label, "the skill chart above")
    named = by_summary.dropna(subset=["by"]) if "by" in by_summary else by_summary.iloc[0:0]
    named = named[named["by"].astype(str).str.strip() != ""]
    if named.empty:
        return (f"These results name no {by_label} for their students, so there is nothing to "
                f"compare by {by_label}. Upload a roster with each student's {by_label}, or "
                f"choose the {by_label} column when importing; meanwhile look at {other}.")
    groups = sorted(named["by"].astype(str).unique())
    if len(groups) == 1:
        return (f"Every student in these results has one {by_label} ({groups[0]}), so a chart "
                f"by {by_label} would only repeat the skill chart above. To compare {many}, "
                f"choose All for {by_label.capitalize()} (or a wider team) in the sidebar; "
                f"or look at {other}.")
    shown = named[(named.get("status") != "suppressed")
                  & (named["students"] >= config.MIN_GROUP_SIZE)]
    if shown.empty:
        return (f"Each {by_label}'s group here has {fewer_than()}, so no {by_label} can be "
                f"shown on its own. Choose a wider team or all grades in the sidebar; or look "
                f"at {other}.")
    return None


def _same_skill(a: str, b: str) -> bool:
    """ "RI.7.6" and "RI.7.6 Author's point of view" name one skill; so do "Vocabulary" and
    "vocabulary"."""
    a, b = a.strip().lower(), b.strip().lower()
    return a == b or a.startswith(b + " ") or b.startswith(a + " ")


def skills_and_questions(summary: pd.DataFrame, items: pd.DataFrame) -> str:
    """Which measure the skill chart and the question view rank, in one sentence; when their
    weakest skill differs, a second sentence names both.

    The skill chart ranks skills by the share of students proficient (each student's skill
    score against the proficiency cut); the question view ranks questions by the average
    share of points earned, and a standard's questions together give its points. One hard
    question, or a skill whose students sit just under the cut, makes them differ.
    ``summary``: skill_summary of one window (after disclosure); ``items``:
    breakdowns.item_analysis of the same window (after disclosure)."""
    said = ("The skill chart above ranks skills by the share of students proficient; this "
            "view ranks questions by the average share of points earned.")
    ok = _ok(summary) if not summary.empty else summary
    answered = items.dropna(subset=["pct_earned"]) if not items.empty else items
    if ok.empty or answered.empty:
        return said
    weakest = ok.sort_values(["pct_proficient", "skill"]).iloc[0]
    by_standard = answered.dropna(subset=["standard"]).groupby("standard")[
        ["points", "max_points"]].sum()
    if by_standard.empty:
        return said
    by_standard["pct"] = 100.0 * by_standard["points"] / by_standard["max_points"]
    standard = str(by_standard["pct"].idxmin())
    if _same_skill(str(weakest["skill"]), standard):
        return said + f" Both point to {weakest['skill']}."
    return (said + f" So they point to different skills: by students proficient the lowest is "
            f"{weakest['skill']} ({pct(weakest['pct_proficient'])} proficient); by points "
            f"earned it is {standard} ({pct(by_standard.loc[standard, 'pct'])} of its points).")


def numbers_table(summary: pd.DataFrame, by_label: str | None = None) -> pd.DataFrame:
    """The skill numbers as a team reads them (the same as ``skills --by``), small groups
    shown as "fewer than 10 students" instead of their numbers."""

    cols = ["skill", *(["by"] if by_label else []), "students", "proficient", "pct_proficient",
            "status"]
    out = summary[cols].copy() if not summary.empty else pd.DataFrame(columns=cols)
    small = (out["status"] == "suppressed") | ~(out["students"] >= config.MIN_GROUP_SIZE)
    for col in ("students", "proficient", "pct_proficient"):
        out[col] = out[col].astype(object)
        out.loc[small, col] = fewer_than()
    out["pct_proficient"] = [v if isinstance(v, str) else pct_exact(v) for v in out["pct_proficient"]]
    out["status"] = out["status"].map(lambda v: SKILL_STATUS_WORDS.get(v, v))
    names = {"skill": "Skill", "by": (by_label or "").capitalize(), "students": "Students",
             "proficient": "Proficient", "pct_proficient": "% proficient", "status": "Status"}
    return out.rename(columns=names)


@dataclass(frozen=True)
class StudentLists:
    not_yet: pd.DataFrame
    well_past: pd.DataFrame

    @property
    def combined(self) -> pd.DataFrame:
        """Both lists in one table with a "List" column (for the csv download)."""
        return pd.concat([self.not_yet.assign(List="Not yet proficient"),
                          self.well_past.assign(List="Well past")], ignore_index=True)


def student_lists(students: pd.DataFrame, *, viewer: Viewer = LOCAL) -> StudentLists:
    """The two action lists of breakdowns.students_by_skill, with the columns a team reads.

    Student rows: refused to a coach and in projection mode."""
    viewer.require_students()
    names = {"student": "Student", "local_id": "ID", "class": "Class", "teacher": "Teacher",
             "score": "Score"}
    cols = list(names)
    pick = lambda band: students.loc[students["band"] == band, cols].rename(columns=names)  # noqa: E731
    return StudentLists(pick("not yet").reset_index(drop=True),
                        pick("well past").reset_index(drop=True))
