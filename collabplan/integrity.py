"""The consistency check run when a database file is opened: nothing half-written survives.

A process killed while DuckDB commits a large import can leave a torn file: DuckDB writes
the bulk of a big insert (whole row groups of sittings, score values, students) into the file
before the commit, and a recovery after the kill may keep them although the commit never
finished (DuckDB 1.5.5; upstream fix pending, duckdb/duckdb pull request 25931). What
survives is rows that point at an upload (measure, sitting, student, assessment …) that is
not there, and sequences set back to before the import, so the next import would be given
the same upload id and "adopt" the orphans.

The schema has no foreign keys (see migrations/0001_core.sql), so the relations are listed
here (:data:`RELATIONS`, one per pointer column; a test checks every ``*_id`` column of the
schema is listed). On open, :func:`check_on_open`:

1. finds rows whose pointer names a missing row (anti-joins on the id columns; on a healthy
   database a handful of reads and no write);
2. when it finds any, in one write transaction: removes them (and, pass after pass, what
   pointed at them), clears optional pointers (an upload's team, a goal's priority …),
   removes students that nothing names and whose ids the student sequence never gave out
   (students the torn import created), moves every sequence (and the sitting / measure id
   floors) past the largest id seen anywhere, orphans included, so no id is given twice,
   and records in the audit log what it removed: rows per table and the missing ids.

The result (:class:`Repair`) is kept on the Database; the command line prints its one line
as a warning and Home shows it to a leader once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collabplan.db import Database

#: Who the audit row names for a repair made by the check.
REPAIRER = "collabplan (consistency check on open)"
AUDIT_ACTION = "repair"
#: Missing ids listed one by one (as ranges) in the audit detail before "and N more".
MAX_RANGES = 20


@dataclass(frozen=True)
class Relation:
    """``child.column`` holds the ``id`` of a ``parent`` row.

    ``on_missing``: "delete" the child row when its parent is missing (the row means nothing
    without it), or "clear" the pointer (NULL means "not said": an upload's team, a goal's
    priority).
    """

    child: str
    column: str
    parent: str
    on_missing: str = "delete"


#: Every pointer column of the schema, parents before children (the removal runs in passes
#: until nothing more is found, so the order only saves passes).
RELATIONS: tuple[Relation, ...] = (
    # the import's rows (what a torn commit leaves)
    Relation("administration", "assessment_id", "assessment"),
    Relation("sitting", "upload_id", "upload"),
    Relation("sitting", "administration_id", "administration"),
    Relation("sitting", "student_id", "student"),
    Relation("measure", "upload_id", "upload"),
    Relation("score_value", "sitting_id", "sitting"),
    Relation("score_value", "measure_id", "measure"),
    Relation("student_group", "upload_id", "upload"),
    Relation("student_group", "student_id", "student"),
    Relation("upload_student", "upload_id", "upload"),
    Relation("upload_student", "student_id", "student"),
    Relation("student_change", "upload_id", "upload"),
    Relation("student_change", "student_id", "student"),
    Relation("upload", "team_id", "team", "clear"),
    # goals and the work around them
    Relation("team_member", "team_id", "team"),
    Relation("goal", "team_id", "team"),
    Relation("goal", "assessment_id", "assessment"),
    Relation("goal", "baseline_administration_id", "administration"),
    Relation("goal", "priority_id", "priority", "clear"),
    Relation("goal_revision", "goal_id", "goal"),
    Relation("goal_revision", "changed_by_team_id", "team", "clear"),
    Relation("action", "goal_id", "goal"),
    Relation("signpost", "goal_id", "goal"),
    Relation("feedback", "goal_id", "goal"),
    Relation("feedback", "from_team_id", "team", "clear"),
    Relation("review_note", "administration_id", "administration"),
    Relation("review_note", "team_id", "team"),
    # the workspace
    Relation("team_workspace", "team_id", "team"),
    Relation("team_norm", "team_id", "team"),
    Relation("team_meeting", "team_id", "team"),
    Relation("team_meeting", "goal_id", "goal", "clear"),
    Relation("toa_action", "toa_id", "theory_of_action"),
    Relation("toa_answer", "toa_id", "theory_of_action"),
    Relation("toa_reason", "toa_id", "theory_of_action"),
    Relation("toa_approach", "toa_id", "theory_of_action"),
    Relation("toa_person", "toa_id", "theory_of_action"),
    Relation("toa_plan_step", "toa_id", "theory_of_action"),
    Relation("toa_feedback_plan", "toa_id", "theory_of_action"),
    Relation("staff_input_round", "toa_id", "theory_of_action"),
    Relation("staff_input_tally", "round_id", "staff_input_round"),
    Relation("staff_input_idea", "round_id", "staff_input_round"),
    Relation("staff_input_answered", "round_id", "staff_input_round"),
    Relation("staff_input_key", "round_id", "staff_input_round"),
    Relation("survey_tally", "round_id", "survey_round"),
    Relation("coaching_cycle", "pair_id", "mentoring_pair"),
    Relation("coaching_step", "cycle_id", "coaching_cycle"),
    Relation("share_entry", "team_id", "team", "clear"),
    # the school year: a plan item stays in its team's plan when its goal is gone
    Relation("year_item", "team_id", "team"),
    Relation("year_item", "goal_id", "goal", "clear"),
    # people who may sign in (a removed team leaves its members with one team fewer)
    Relation("person_team", "person_id", "person"),
    Relation("person_team", "team_id", "team"),
    Relation("survey_answered", "round_id", "survey_round"),
    Relation("survey_round_key", "round_id", "survey_round"),
    # choosing a focus (migration 0015): a rating or choice means nothing without its team,
    # assessment or window
    Relation("focus_rating", "team_id", "team"),
    Relation("focus_rating", "assessment_id", "assessment"),
    Relation("focus_choice", "team_id", "team"),
    Relation("focus_choice", "assessment_id", "assessment"),
    Relation("focus_choice", "administration_id", "administration"),
)

#: Pointer-like columns that are not single-row relations, each with the reason.
NOT_RELATIONS: dict[tuple[str, str], str] = {
    ("goal", "follow_assessment_ids"): "a list of assessments to follow; a missing one is skipped when read",
    ("student", "local_id"): "the school's own student id, text",
    ("student_change", "local_id"): "the school's own student id, text",
    ("id_floor", "last_id"): "the last sitting or measure id given out",
    ("action", "adopted_from_action_id"): "where an adopted idea came from; the source action "
    "may be removed later (its team edits its plan), and the copy stays the adopting team's",
    ("action", "adopted_from_feedback_id"): "the same, for an idea adopted from feedback",
}

#: Tables whose ids are not from a sequence but ``max(id) + 1`` (ingest/store.py), with the
#: pointers into them: their floor (table ``id_floor``) keeps a removed orphan's id unused.
FLOORED = {"sitting": ("score_value", "sitting_id"), "measure": ("score_value", "measure_id")}

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(name: str) -> str:
    """A table, column or sequence name from the schema, checked before it enters SQL."""
    if not _NAME.match(name):
        raise ValueError(f"not a plain name: {name!r}")
    return name


@dataclass
class Repair:
    """What the check removed: rows per table, the missing ids they pointed at, ids moved."""

    removed: dict[str, int] = field(default_factory=dict)  # table -> rows removed
    cleared: dict[str, int] = field(default_factory=dict)  # "table.column" -> pointers set to NULL
    missing: dict[str, list[int]] = field(default_factory=dict)  # "parent" -> ids pointed at, not there
    advanced: dict[str, int] = field(default_factory=dict)  # sequence or floor -> new last id

    @property
    def rows(self) -> int:
        return sum(self.removed.values())

    def changed_rows(self) -> bool:
        return bool(self.removed or self.cleared)

    def detail(self) -> str:
        """The audit log's detail: every count and every missing id (as ranges)."""
        parts = []
        if self.removed:
            parts.append("removed " + ", ".join(f"{t} {n:,}" for t, n in sorted(self.removed.items())))
        if self.cleared:
            parts.append("cleared " + ", ".join(f"{t} {n:,}" for t, n in sorted(self.cleared.items())))
        if self.missing:
            parts.append(
                "missing " + "; ".join(f"{p} {id_ranges(ids)}" for p, ids in sorted(self.missing.items()))
            )
        if self.advanced:
            parts.append(
                "ids continue after " + ", ".join(f"{s} {n:,}" for s, n in sorted(self.advanced.items()))
            )
        return "; ".join(parts)

    def line(self) -> str:
        """One line for a person: what happened and that nothing is left to do."""
        uploads = self.missing.get("upload", [])
        which = f" (upload {id_ranges(uploads)}, which never finished)" if uploads else ""
        return (
            f"The database held {self.rows:,} rows left by an interrupted import{which}; they were "
            "removed (see the audit log). Import that file again if it is missing."
        )


def id_ranges(ids: Iterable[int], limit: int = MAX_RANGES) -> str:
    """Sorted ids as ranges: [1, 2, 3, 7] -> "1-3, 7"; more than ``limit`` ranges end "… and N more"."""
    ranges: list[tuple[int, int]] = []
    for i in sorted(set(ids)):
        if ranges and i == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], i)
        else:
            ranges.append((i, i))
    shown = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges[:limit]]
    if len(ranges) > limit:
        shown.append(f"and {len(ranges) - limit} more ranges")
    return ", ".join(shown)


# ----------------------------------------------------------------------------------- checks
def _tables(cur: Any) -> set[str]:
    return {
        t for (t,) in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
            "AND database_name = current_database()"
        ).fetchall()
    }


def _relations(tables: set[str]) -> list[Relation]:
    """The relations whose two tables this file has (an old file may lack newer tables)."""
    return [r for r in RELATIONS if r.child in tables and r.parent in tables]


def _orphans(cur: Any, rel: Relation) -> list[tuple[int, int]]:
    """(missing id, rows pointing at it) for one relation: an anti-join on the ids."""
    child, column, parent = _ident(rel.child), _ident(rel.column), _ident(rel.parent)
    return cur.execute(
        f"""SELECT c.{column}, count(*) FROM {child} c
            ANTI JOIN {parent} p ON p.id = c.{column}
            WHERE c.{column} IS NOT NULL
            GROUP BY c.{column}"""  # noqa: S608 (names from RELATIONS, checked)
    ).fetchall()


def _sequences(cur: Any) -> dict[str, list[str]]:
    """sequence -> the tables whose ``id`` defaults to it (read from the schema)."""
    found: dict[str, list[str]] = {}
    for table, default in cur.execute(
        """SELECT table_name, column_default FROM duckdb_columns()
           WHERE schema_name = 'main' AND database_name = current_database()
             AND column_name = 'id' AND column_default LIKE 'nextval(%'"""
    ).fetchall():
        match = re.match(r"nextval\('([a-z_][a-z0-9_]*)'\)", default)
        if match:
            found.setdefault(match.group(1), []).append(table)
    return found


def _next_values(cur: Any) -> dict[str, int | None]:
    """sequence -> the next id it gives (None: it never gave one).

    DuckDB's ``last_value`` is the last id given in the process that drew it, but for a
    sequence read from the file it is the next one (the stored counter); the check runs right
    after the file is opened, so it is taken as the next one: at worst one id is skipped.
    """
    return {
        name: None if value is None else int(value)
        for name, value in cur.execute(
            """SELECT sequence_name, last_value FROM duckdb_sequences()
               WHERE schema_name = 'main' AND database_name = current_database()"""
        ).fetchall()
    }


def _largest(cur: Any, columns: list[tuple[str, str]]) -> int:
    """The largest value of the given (table, column)s, 0 when all are empty."""
    if not columns:
        return 0
    parts = " UNION ALL ".join(
        f"SELECT max({_ident(c)}) AS m FROM {_ident(t)}" for t, c in columns  # noqa: S608 (schema names)
    )
    return int(cur.execute(f"SELECT coalesce(max(m), 0) FROM ({parts})").fetchone()[0])  # noqa: S608 (schema names)


def _id_targets(cur: Any, tables: set[str], relations: list[Relation]) -> dict[str, int]:
    """sequence or ``floor:table`` -> the largest id seen in its tables or pointed at by any
    row (orphans included): new ids must start after it."""
    targets = {}
    for sequence, owners in _sequences(cur).items():
        columns = [(t, "id") for t in owners]
        columns += [(r.child, r.column) for r in relations if r.parent in owners]
        targets[sequence] = _largest(cur, columns)
    for table, (child, column) in FLOORED.items():
        if table in tables and child in tables:
            targets[f"floor:{table}"] = _largest(cur, [(table, "id"), (child, column)])
    return targets


def _floors(cur: Any, tables: set[str]) -> dict[str, int]:
    """``floor:table`` -> the last id given out: the larger of its floor and its largest id."""
    if "id_floor" not in tables:
        return {}
    floors = dict(cur.execute("SELECT name, last_id FROM id_floor").fetchall())
    return {
        f"floor:{t}": max(int(floors.get(t, 0)), _largest(cur, [(t, "id")]))
        for t in FLOORED if t in tables
    }


def _behind(cur: Any, tables: set[str], targets: dict[str, int]) -> dict[str, int]:
    """The sequences and floors whose last id is below their target: name -> target."""
    nexts = _next_values(cur)
    floors = _floors(cur, tables)
    behind = {}
    for name, target in targets.items():
        if name.startswith("floor:"):
            if name in floors and target > floors[name]:
                behind[name] = target
        elif target >= (nexts.get(name) or 1):
            behind[name] = target
    return behind


def _unnamed_new_students(cur: Any, tables: set[str]) -> list[int]:
    """Students whose id the student sequence never gave out (a committed student's id
    always came from it) and that no row names: the students a torn import created."""
    if "student" not in tables:
        return []
    last = _next_values(cur).get("student_id_seq")
    if last is None:
        return []
    refs = [r for r in _relations(tables) if r.parent == "student"]
    conditions = " ".join(
        f"AND NOT EXISTS (SELECT 1 FROM {_ident(r.child)} x WHERE x.{_ident(r.column)} = s.id)"  # noqa: S608
        for r in refs
    )
    return [
        int(i) for (i,) in cur.execute(
            f"SELECT s.id FROM student s WHERE s.id >= ? {conditions}",  # noqa: S608 (schema names)
            [last],
        ).fetchall()
    ]


# ----------------------------------------------------------------------------------- repair
def check_on_open(db: Database) -> Repair | None:
    """Find and remove what a torn commit left; None when the file is consistent.

    Reads first (no write lock held long, no transaction) and writes only when something is
    wrong; then everything happens in one write transaction, audited in it.
    """
    cur = db.cursor()
    tables = _tables(cur)
    relations = _relations(tables)
    broken = [r for r in relations if _orphans(cur, r)]
    targets = _id_targets(cur, tables, relations)
    behind = _behind(cur, tables, targets)
    strays = _unnamed_new_students(cur, tables)
    if not broken and not behind and not strays:
        return None
    with db.transaction() as cur:
        repair = _repair(cur, tables, relations)
        _advance(cur, _behind(cur, tables, targets), repair)
        if repair.changed_rows():  # (ids moved alone: rows written with ids of their own)
            cur.execute(
                "INSERT INTO audit (who, action, detail) VALUES (?, ?, ?)",
                [REPAIRER, AUDIT_ACTION, repair.detail()],
            )
    return repair if repair.changed_rows() else None


def _repair(cur: Any, tables: set[str], relations: list[Relation]) -> Repair:
    """Remove (or clear) every dangling pointer, pass after pass, then the stray students."""
    repair = Repair()
    # the ids missing before the repair (those it removes itself are not "missing")
    missing: dict[str, set[int]] = {}
    for rel in relations:
        for i, _ in _orphans(cur, rel):
            missing.setdefault(rel.parent, set()).add(int(i))
    while True:
        changed = False
        for rel in relations:
            found = _orphans(cur, rel)
            if not found:
                continue
            changed = True
            ids = [int(i) for i, _ in found]
            child, column = _ident(rel.child), _ident(rel.column)
            cur.execute("CREATE OR REPLACE TEMP TABLE repair_missing (id BIGINT)")
            cur.execute("INSERT INTO repair_missing SELECT unnest(?::BIGINT[])", [ids])
            if rel.on_missing == "clear":
                n = cur.execute(
                    f"UPDATE {child} SET {column} = NULL WHERE {column} IN (SELECT id FROM repair_missing)"  # noqa: S608
                ).fetchone()[0]
                key = f"{child}.{column}"
                repair.cleared[key] = repair.cleared.get(key, 0) + int(n)
            else:
                n = cur.execute(
                    f"DELETE FROM {child} WHERE {column} IN (SELECT id FROM repair_missing)"  # noqa: S608
                ).fetchone()[0]
                repair.removed[child] = repair.removed.get(child, 0) + int(n)
        if not changed:
            break
    strays = _unnamed_new_students(cur, tables)
    if strays:
        cur.execute("DELETE FROM student WHERE id IN (SELECT unnest(?::INTEGER[]))", [strays])
        repair.removed["student"] = repair.removed.get("student", 0) + len(strays)
    cur.execute("DROP TABLE IF EXISTS repair_missing")
    repair.missing = {parent: sorted(ids) for parent, ids in missing.items()}
    return repair


def _advance(cur: Any, behind: dict[str, int], repair: Repair) -> None:
    """Move each sequence and floor in ``behind`` to its target (DuckDB has no setval: a
    sequence is advanced by drawing from it)."""
    nexts = _next_values(cur)
    for name, target in sorted(behind.items()):
        if name.startswith("floor:"):
            table = name.removeprefix("floor:")
            cur.execute("DELETE FROM id_floor WHERE name = ?", [table])
            cur.execute("INSERT INTO id_floor (name, last_id) VALUES (?, ?)", [table, target])
        else:
            draws = target - (nexts.get(name) or 1) + 1  # the last one drawn is >= target
            cur.execute("SELECT count(nextval(?)) FROM range(?)", [_ident(name), draws])
        repair.advanced[name.removeprefix("floor:")] = target
