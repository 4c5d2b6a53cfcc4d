"""How long the data review pages' queries take on a district's year of scores.

    python benchmarks/review_bench.py [--students 21000] [--runs 5] [--keep PATH]

Generates (with DuckDB's generate_series, in a few seconds) a temporary database holding
about 2 million skill scores: 21,000 students in 40 teams, four assessments (one reported in
levels), three testing windows each, eight skills, plus per-question rows for one window of a
CFA. Then it times every query the review pages run, straight on the database (no
st.cache_data): the first ("cold") call and the median of the next ``--runs`` calls, for the
whole district ("All teams", the heaviest case), for one team, and for a teacher of one team
(every query scoped by the viewer: what a signed-in teacher's pages run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from collabplan import breakdowns, catalog, metrics, review  # noqa: E402  # noqa: E402
from collabplan import db as db_module
from collabplan.access import Viewer  # noqa: E402
from collabplan.ingest import store  # noqa: E402
from collabplan.metrics import LOCAL, Filters  # noqa: E402

TEAMS = 40
SKILLS = 8
ITEMS = 10
LEVELS = ["Low", "LoAvg", "Avg", "HiAvg", "High"]


def generate(db: db_module.Database, students: int, *, teams: int = TEAMS, classes: int = 840,
             teachers: int = 420) -> int:
    """Fill ``db`` with a district's year; return the number of score rows.

    Student ``i`` belongs to team ``1 + i % teams``, class ``i % classes`` and teacher
    ``i % teachers`` (a class lies within one team when ``classes`` is a multiple of
    ``teams``). district_bench.py calls this with 200 teams for 30 million scores.
    """
    width = max(2, len(str(teams)))
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO team (id, name) SELECT i, 'Team ' || lpad(i::VARCHAR, ?, '0')"
            " FROM generate_series(1, ?) t(i)", [width, teams])
        cur.execute(
            "INSERT INTO assessment (id, name, kind, levels, proficient_level, cut) VALUES"
            " (1, 'MAP Reading', 'level', ?, 'Avg', 0.8),"
            " (2, 'MAP Math', 'points', NULL, NULL, 0.8),"
            " (3, 'Unit 1 CFA', 'points', NULL, NULL, 0.8),"
            " (4, 'Unit 2 CFA', 'percent', NULL, NULL, 0.75)", [LEVELS])
        cur.execute(
            "INSERT INTO administration (id, assessment_id, term, date, label)"
            " SELECT (a - 1) * 3 + w, a, ['Fall', 'Winter', 'Spring'][w],"
            " DATE '2025-09-15' + INTERVAL (w * 90) DAY,"
            " ['Fall', 'Winter', 'Spring'][w] || ' 2025-26'"
            " FROM generate_series(1, 4) x(a), generate_series(1, 3) y(w)")
        cur.execute(
            "INSERT INTO upload (id, file_name, sha256, team_id)"
            " SELECT (ad - 1) * ? + t, 'file ' || ad || '-' || t, 'sha ' || ad || '-' || t, t"
            " FROM generate_series(1, 12) x(ad), generate_series(1, ?) y(t)", [teams, teams])
        cur.execute(
            "INSERT INTO student (id, student_key, local_id, display_name, grade, class_name,"
            " teacher)"
            " SELECT i, 'id:' || (300000 + i), (300000 + i)::VARCHAR, 'Student ' || i,"
            " (3 + i % 6)::VARCHAR, 'Class ' || (i % ?), 'Teacher ' || (i % ?)"
            " FROM generate_series(1, ?) t(i)", [classes, teachers, students])
        cur.execute(
            "INSERT INTO student_group (student_id, group_name)"
            " SELECT i, g FROM generate_series(1, ?) t(i), (VALUES ('ELL', 7), ('SPED', 8),"
            " ('FRL', 2)) v(g, k) WHERE hash(i, g) % k = 0", [students])
        # One skill score per student × skill × window, plus per-question rows for the winter
        # Unit 1 CFA (administration 8), written through the store as imports write them:
        # each upload's rows together, uploads in order.
        rows = cur.execute(
            """
            WITH g AS (
                SELECT ad, i, k, ((ad - 1) // 3) + 1 AS a, (ad - 1) % 3 AS w,
                       least(1.0, greatest(0.0, 0.45 + 0.04 * k + 0.05 * ((ad - 1) % 3)
                             + (hash(i, k, ad) % 1000) / 2500.0 - 0.2)) AS f
                FROM generate_series(1, 12) x(ad), generate_series(1, ?) y(i),
                     generate_series(1, ?) z(k)
            ),
            skills AS (
                SELECT (ad - 1) * ? + 1 + i % ? AS upload_id, ad AS administration_id,
                       i AS student_id, 'Skill ' || a || '.' || k AS skill, NULL::VARCHAR AS item,
                       NULL::DOUBLE AS points, NULL::DOUBLE AS max_points,
                       CASE WHEN a = 1 THEN NULL ELSE f END AS fraction,
                       CASE WHEN a = 1 THEN ? [1 + least(4, floor(f * 5)::INTEGER)] END AS level,
                       CASE WHEN a = 1 THEN f >= 0.4
                            ELSE f >= CASE a WHEN 4 THEN 0.75 ELSE 0.8 END END AS proficient,
                       (3 + i % 6)::VARCHAR AS grade, 'Class ' || (i % ?) AS class_name,
                       'Teacher ' || (i % ?) AS teacher, 0 AS part, k AS n
                FROM g
            ),
            items AS (
                SELECT 7 * ? + 1 + i % ?, 8, i, 'Skill 3.' || (1 + q % ?), 'Q' || q,
                       (hash(i, q) % 3)::DOUBLE, 2.0, (hash(i, q) % 3) / 2.0, NULL,
                       hash(i, q) % 3 = 2, NULL, NULL, NULL, 1, q
                FROM generate_series(1, ?) y(i), generate_series(1, ?) z(q)
            )
            SELECT * EXCLUDE (part, n) FROM (SELECT * FROM skills UNION ALL SELECT * FROM items)
            ORDER BY upload_id, part, administration_id, student_id, n
            """,
            [students, SKILLS, teams, teams, LEVELS, classes, teachers, teams, teams, SKILLS,
             students, ITEMS],
        ).to_arrow_table()
        store.write_score_rows(cur, rows)
        return cur.execute("SELECT count(*) FROM score").fetchone()[0]


def page_queries(
    db: db_module.Database, team_id: int | None, me: Viewer = LOCAL
) -> list[tuple[str, Callable[[], Any]]]:
    """The queries of the review pages, in the order a page run makes them, for ``me``."""
    flt = Filters(team_id=team_id, assessment_id=3)
    window = Filters(team_id=team_id, assessment_id=3, administration_ids=(9,))
    return [
        ("review  filter_options (teams)", lambda: catalog.filter_options(db, None, None, viewer=me)),
        ("review  filter_options (assessments)", lambda: catalog.filter_options(db, team_id, None, viewer=me)),
        ("review  filter_options (windows, classes …)", lambda: catalog.filter_options(db, team_id, 3, viewer=me)),
        ("review  skill_summary (skill profile)", lambda: metrics.skill_summary(db, window, viewer=me)),
        ("review  skill_summary by class (heatmap)", lambda: metrics.skill_summary(db, window, "class", viewer=me)),
        ("review  growth (review answers)", lambda: metrics.growth(db, flt, 8, 9, viewer=me)),
        ("review  skill_bands (review answers)", lambda: breakdowns.skill_bands(db, flt, 9, viewer=me)),
        ("review  load_note", lambda: review.load_note(db, team_id, 9, viewer=me)),
        ("view    skill_summary by teacher", lambda: metrics.skill_summary(db, window, "teacher", viewer=me)),
        ("view    equity_gap ELL", lambda: metrics.equity_gap(db, flt, 9, "ELL", viewer=me)),
        ("view    level_distribution (levels)", lambda: breakdowns.level_distribution(db, Filters(team_id=team_id), 3, viewer=me)),
        ("view    item_analysis", lambda: breakdowns.item_analysis(db, Filters(team_id=team_id), 8, viewer=me)),
        ("students students_by_skill", lambda: breakdowns.students_by_skill(db, flt, 9, "Skill 3.1", viewer=me)),
        ("coach   coach_lagging (every team)", lambda: breakdowns.coach_lagging(db, viewer=me)),
    ]


def time_call(fn: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """(cold, median, fastest) milliseconds: the fastest run shows the query's cost on a
    machine that other work is not slowing down."""
    start = time.perf_counter()
    fn()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - start)
    return cold * 1000, statistics.median(warm) * 1000, min(warm) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=21_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the database here and keep it")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "review_bench.duckdb"
        if path.exists():
            path.unlink()
        db = db_module.connect(path)
        start = time.perf_counter()
        rows = generate(db, args.students)
        print(f"generated {rows:,} score rows ({args.students:,} students) in "
              f"{time.perf_counter() - start:.1f} s\n")
        start = time.perf_counter()
        catalog.catalog(db)
        print(f"catalog of teams, windows, classes (once after each write): "
              f"{(time.perf_counter() - start) * 1000:.0f} ms")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        teacher = Viewer("bench@school.org", "teacher", team_ids=frozenset({7}))
        for label, team_id, me in (("All teams (whole district)", None, LOCAL),
                                   ("One team", 7, LOCAL),
                                   ("A teacher of one team (scoped by the viewer)", None, teacher)):
            print(f"{label}: milliseconds, no st.cache_data")
            print(f"  {'query':<46} {'cold':>8} {'median':>8} {'fastest':>8}")
            total = [0.0, 0.0, 0.0]
            for name, fn in page_queries(db, team_id, me):
                times = time_call(fn, args.runs)
                print(f"  {name:<46} " + " ".join(f"{v:8.1f}" for v in times))
                if name.startswith("review"):
                    total = [a + b for a, b in zip(total, times, strict=True)]
            print(f"  {'data review page, default view (sum)':<46} "
                  + " ".join(f"{v:8.1f}" for v in total) + "\n")
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
