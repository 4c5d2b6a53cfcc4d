"""A district's year on the shared PostgreSQL store against the embedded DuckDB file.

    python benchmarks/district_bench.py [--scores 30000000] [--schools 200] [--runs 3]
    python benchmarks/district_bench.py --quick        # about 3 million scores, to try it

1. Generates the district into an embedded DuckDB file (review_bench.generate: DuckDB's
   generate_series, written through the score store as imports write it): ``--scores`` skill
   and question scores (106 a student: 8 skills x 12 windows + 10 questions), one team per
   school, 25 students a class.
2. Starts a throwaway PostgreSQL 15 (tests/pgserver.py, fsync on) and moves the file in with
   ``collabplan.migrate_store.migrate_store`` ("moving a file in"), then ANALYZE (what
   autovacuum does soon after a bulk load). Then opens the store as an app server does
   (``db.keep_score_copies()``, as app.py): its first read copies the scores to the server
   (score_mirror.py), timed on its own.
3. Times the data review pages' queries (review_bench.page_queries: the functions the review,
   view, students and coach pages call; no st.cache_data) for the whole district and for one
   team, on each store: the first call in the process ("cold") and the median of the warm
   runs. A query whose cold call on the shared store takes over ``--slow`` seconds (60) is
   not repeated; one still running after ``--stop`` seconds (300) is interrupted and reported
   as such. Warm runs are cut so that one query's warm runs take about a minute at most.
4. Imports the same 200,000-row long csv (import_bench.make_long) through the normal command
   line import into (a) a copy of the district file and (b) the shared store holding the
   district, each in a fresh process, and checks both stored the same number of scores.
5. Reports each store's size on disk (the DuckDB file; pg_database_size).

Prints a table and writes benchmarks/out/district_<scores>.json (benchmarks/out/ is
git-ignored). Everything else lives in a temporary folder (``--workdir`` to choose where;
the 30 million score run needs about 10 GB there) that is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import import_bench  # noqa: E402
import pgserver  # noqa: E402
import review_bench  # noqa: E402

from collabplan import db as db_module  # noqa: E402
from collabplan import shared_store  # noqa: E402
from collabplan.metrics import LOCAL  # noqa: E402
from collabplan.migrate_store import migrate_store  # noqa: E402

#: Score rows a generated student has: 8 skills x 12 windows, plus 10 questions of one CFA.
SCORES_PER_STUDENT = review_bench.SKILLS * 12 + review_bench.ITEMS
CLASS_SIZE = 25
TEAM = 7  # the team timed on its own
LONG_ROWS = 200_000


def sizes(scores: int, schools: int) -> dict[str, int]:
    """Students, teams, classes and teachers for ``scores`` scores in ``schools`` schools."""
    students = max(schools, scores // SCORES_PER_STUDENT)
    per_team = max(1, round(students / schools / CLASS_SIZE))
    return {"students": students, "teams": schools, "classes": per_team * schools,
            "teachers": per_team * schools}


def time_query(db: db_module.Database, fn: Callable[[], Any], runs: int, slow: float,
               stop: float) -> dict[str, Any]:
    """Cold and median-warm seconds of ``fn`` on ``db``; interrupted after ``stop`` seconds."""
    cursor = db.cursor()
    timer = threading.Timer(stop, cursor.interrupt)
    timer.start()
    start = time.perf_counter()
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 (an interrupt, or a failing query: both reported)
        elapsed = time.perf_counter() - start
        stopped = elapsed >= stop * 0.99
        return {"cold": elapsed, "warm": None, "runs": 0,
                "note": f"stopped after {elapsed:.0f} s" if stopped
                else f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"}
    finally:
        timer.cancel()
    cold = time.perf_counter() - start
    if cold > slow:
        return {"cold": cold, "warm": None, "runs": 0, "note": f"over {slow:.0f} s: not repeated"}
    n = min(runs, max(1, int(60 // max(cold, 1e-3))))
    warm = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - start)
    return {"cold": cold, "warm": statistics.median(warm), "runs": n, "note": ""}


def pg_scalar(db: db_module.Database, sql: str) -> Any:
    return db.cursor().execute("SELECT * FROM postgres_query('store', ?)", [sql]).fetchone()[0]


def import_child(location: str, path: str, mapping: str) -> None:
    """In a fresh process: import ``path`` into ``location`` by the command line; print JSON."""
    from collabplan.cli import main

    flag = "--store" if shared_store.is_shared(location) else "--db"
    start = time.perf_counter()
    code = main(["import", path, flag, location, "--mapping", mapping, "--json"])
    seconds = time.perf_counter() - start
    if code != 0:
        raise SystemExit(code)
    db = db_module.connect(location)
    upload = db.scalar("SELECT max(id) FROM upload")
    scores = db.scalar("SELECT count(*) FROM score WHERE upload_id = ?", [upload])
    print(json.dumps({"seconds": seconds, "scores": int(scores)}), file=sys.stderr)


def run_skills(location: str) -> tuple[float, str]:
    """``skills --json`` as a command (a fresh process, no copy of the scores): seconds, output."""
    flag = "--store" if shared_store.is_shared(location) else "--db"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "collabplan", "skills", flag, location, "--json"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return time.perf_counter() - start, done.stdout


def run_import(location: str, path: Path, mapping: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child-import", location, str(path), str(mapping)],
        capture_output=True, text=True, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode
        return {"seconds": None, "scores": None, "note": f"failed: {tail}"}
    return json.loads(done.stderr.strip().splitlines()[-1])


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio(shared: float | None, embedded: float | None) -> float | None:
    if shared is None or embedded is None or embedded <= 0:
        return None
    return shared / embedded


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child-import":
        import_child(*argv[1:4])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scores", type=int, default=30_000_000, help="score rows (default 30M)")
    ap.add_argument("--schools", type=int, default=200, help="schools, one team each")
    ap.add_argument("--quick", action="store_true", help="about 3 million scores, 2 warm runs")
    ap.add_argument("--runs", type=int, default=3, help="warm runs per query (median shown)")
    ap.add_argument("--slow", type=float, default=60.0,
                    help="a cold call slower than this many seconds is not repeated")
    ap.add_argument("--stop", type=float, default=300.0,
                    help="interrupt a query still running after this many seconds")
    ap.add_argument("--workdir", type=Path, help="where the stores go (default: a temp folder)")
    args = ap.parse_args(argv)
    if args.quick:
        args.scores, args.runs = 3_000_000, 2
    shape = sizes(args.scores, args.schools)
    OUT.mkdir(exist_ok=True)
    result: dict[str, Any] = {"shape": shape, "cores": os.cpu_count(), "runs": args.runs}
    work = Path(tempfile.mkdtemp(prefix="district_bench_", dir=args.workdir))
    work.chmod(0o755)  # PostgreSQL's own account (when run as root) must reach its folder
    try:
        _run(args, shape, work, result)
    finally:
        pgserver.stop(work / "pg")
        shutil.rmtree(work, ignore_errors=True)
    out = OUT / f"district_{result.get('scores', args.scores)}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwritten {out.relative_to(ROOT)}")
    return 0


def _run(args: argparse.Namespace, shape: dict[str, int], work: Path,
         result: dict[str, Any]) -> None:
    file = work / "district.duckdb"
    print(f"{shape['students']:,} students in {shape['teams']} schools "
          f"({shape['classes']:,} classes); {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    start = time.perf_counter()
    embedded = db_module.connect(file)
    scores = review_bench.generate(embedded, shape["students"], teams=shape["teams"],
                                   classes=shape["classes"], teachers=shape["teachers"])
    embedded.close()
    result["scores"] = scores
    result["generate_s"] = time.perf_counter() - start
    result["embedded_bytes"] = file.stat().st_size
    print(f"generated {scores:,} scores into the embedded file in {result['generate_s']:.0f} s "
          f"({file.stat().st_size / 1e9:.2f} GB)", flush=True)

    url = pgserver.start(work / "pg", durable=True) + "/district"
    shared_store.ensure_database(url)
    start = time.perf_counter()
    counts = migrate_store(file, url, who="district benchmark")
    result["move_in_s"] = time.perf_counter() - start
    db_module.close(url)  # the command's own Database: it reads through PostgreSQL
    result["rows_moved"] = sum(counts.values())
    print(f"moved the file in (migrate_store, {result['rows_moved']:,} rows in {len(counts)} "
          f"tables) in {result['move_in_s']:.0f} s", flush=True)
    analyze = db_module.connect(url)
    start = time.perf_counter()
    shared_store.execute(analyze.cursor(), "ANALYZE")
    result["analyze_s"] = time.perf_counter() - start
    result["shared_bytes"] = int(pg_scalar(analyze, "SELECT pg_database_size(current_database())"))
    db_module.close(url)
    print(f"ANALYZE {result['analyze_s']:.0f} s; PostgreSQL database "
          f"{result['shared_bytes'] / 1e9:.2f} GB", flush=True)

    # An app server (app.py) reads the scores from its own copy; its first read makes it.
    db_module.keep_score_copies()
    shared = db_module.connect(url)
    start = time.perf_counter()
    shared.scalar("SELECT count(*) FROM score")
    result["first_copy_s"] = time.perf_counter() - start
    print(f"an app server's first read, copying the scores: {result['first_copy_s']:.1f} s\n",
          flush=True)

    embedded = db_module.connect(file)
    result["queries"] = []
    for scope, team_id in (("district", None), ("team", TEAM)):
        print(f"{'whole district' if team_id is None else 'one team'}: cold / median of warm "
              f"runs, seconds (no st.cache_data)")
        print(f"  {'query':<44} {'embedded':>19} {'shared':>19} {'ratio':>7}")
        pairs = zip(review_bench.page_queries(embedded, team_id, LOCAL),
                    review_bench.page_queries(shared, team_id, LOCAL), strict=True)
        for (name, on_file), (_, on_store) in pairs:
            e = time_query(embedded, on_file, args.runs, args.slow, args.stop)
            s = time_query(shared, on_store, args.runs, args.slow, args.stop)
            r = ratio(s["warm"] if s["warm"] is not None else s["cold"],
                      e["warm"] if e["warm"] is not None else e["cold"])
            result["queries"].append({"scope": scope, "query": name, "embedded": e,
                                      "shared": s, "ratio": r})
            print(f"  {name:<44} {fmt(e['cold']):>9} {fmt(e['warm']):>9} "
                  f"{fmt(s['cold']):>9} {fmt(s['warm']):>9} "
                  f"{'-' if r is None else f'{r:.1f}x':>7}"
                  + (f"  ({s['note']})" if s["note"] else "")
                  + (f"  (embedded {e['note']})" if e["note"] else ""), flush=True)
        print()
    embedded.close()

    # The command line reads once, through PostgreSQL (no copy): the whole district's skills.
    cli_e, out_e = run_skills(str(file))
    cli_s, out_s = run_skills(url)
    result["skills_command"] = {"embedded_s": cli_e, "shared_s": cli_s,
                                "ratio": ratio(cli_s, cli_e), "same": out_e == out_s}
    print(f"`skills --json` (whole district, a command: fresh process, no copy): embedded "
          f"{fmt(cli_e)}, shared {fmt(cli_s)}, ratio {cli_s / cli_e:.1f}x; answers "
          + ("identical" if out_e == out_s else "** DIFFER **") + "\n", flush=True)

    long = import_bench.OUT / f"long_{LONG_ROWS}.csv"
    if not long.exists():
        import_bench.make_long(long, LONG_ROWS)
    mapping = work / "long.mapping.toml"
    mapping.write_text(import_bench.LONG_MAPPING)
    copy = work / "import.duckdb"
    shutil.copyfile(file, copy)
    imp_e = run_import(str(copy), long, mapping)
    imp_s = run_import(url, long, mapping)
    result["import"] = {"file": long.name, "embedded": imp_e, "shared": imp_s,
                        "ratio": ratio(imp_s["seconds"], imp_e["seconds"])}
    same = imp_e.get("scores") == imp_s.get("scores") and imp_e.get("scores") is not None
    time.sleep(shared_store.VERSION_TTL_SECONDS * 1.1)  # the server reads the commit count
    start = time.perf_counter()
    shared.scalar("SELECT count(*) FROM score")
    result["import"]["copy_catch_up_s"] = time.perf_counter() - start
    shared.close()
    print(f"import of {long.name} ({LONG_ROWS:,} rows) into a store holding the district, "
          "command line, fresh process each:")
    print(f"  embedded {fmt(imp_e['seconds'])}, shared {fmt(imp_s['seconds'])}, ratio "
          + ("-" if result["import"]["ratio"] is None else f"{result['import']['ratio']:.1f}x")
          + f"; scores stored {imp_e.get('scores')} / {imp_s.get('scores')}"
          + ("" if same else "  ** DIFFER **")
          + "".join(f"  ({r['note']})" for r in (imp_e, imp_s) if r.get("note")))
    print(f"  an app server's copy of the scores took that import in "
          f"{fmt(result['import']['copy_catch_up_s'])} (its next read)")
    print(f"size on disk: embedded file {result['embedded_bytes'] / 1e9:.2f} GB, "
          f"PostgreSQL database {result['shared_bytes'] / 1e9:.2f} GB (with its indexes)")


if __name__ == "__main__":
    raise SystemExit(main())
