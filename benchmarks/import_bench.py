"""Import speed: `python -m collabplan import` against a bare fastexcel read of the same file.

    python benchmarks/import_bench.py [--students 100000] [--skills 12] [--long-rows 200000]

Writes its inputs once into benchmarks/out/ (git-ignored): a wide workbook (a row per student,
a percent column per skill) and a long csv (a row per student x standard). Each measurement
runs in a fresh child process, five times (``--runs``); the median is reported. The workbook's
bare read and import alternate, and the ratio is the median of each pair's ratio, so a busy
moment on a shared machine slows both sides of a pair rather than one side. Peak memory is
that child's ru_maxrss (or its own children's, e.g. the reader's parsing process, if larger).
Prints the figures, the import / bare-read ratio and where an import's time goes (read, normalise
and check, save; wall and CPU seconds, CPU counting every thread of the process). collabplan is
byte-compiled first, as an installed package is.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"

WIDE_MAPPING = """[assessment]
name = "Benchmark wide"
date = "2026-01-20"
[columns]
student_id = "Student ID"
student_name = "Student"
grade = "Grade"
class = "Class"
[scores]
layout = "wide"
pattern = "^Skill \\\\d+$"
kind = "percent"
"""
LONG_MAPPING = """[assessment]
name = "Benchmark long"
date = "2026-01-20"
[columns]
student_id = "Student ID"
student_name = "Student Name"
[scores]
layout = "long"
skill = "Standard"
score = "Points"
max = "Points Possible"
kind = "points"
proficient = 0.75
"""


def make_wide(path: Path, students: int, skills: int) -> None:
    import openpyxl

    rng = random.Random(1)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Scores")
    ws.append(
        ["Student ID", "Student", "Grade", "Class", *[f"Skill {k + 1}" for k in range(skills)]]
    )
    for i in range(students):
        ws.append(
            [
                1_000_000 + i,
                f"Last{i % 997}, First{i % 101}",
                3 + i % 3,
                f"Class {i % 40 + 1}",
                *[rng.randint(20, 100) for _ in range(skills)],
            ]
        )
    wb.save(path)


def make_long(path: Path, rows: int, skills: int = 8) -> None:
    rng = random.Random(2)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("Student ID,Student Name,Standard,Points,Points Possible\r\n")
        for r in range(rows):
            i = r // skills
            f.write(
                f"{2_000_000 + i},First{i % 101} Last{i % 997},STD.{r % skills + 1},{rng.randint(0, 4)},4\r\n"
            )


def child(mode: str, path: str, mapping: str | None) -> None:
    """Runs in a fresh process: do one job, print seconds and peak memory as JSON."""
    start = time.perf_counter()
    extra: dict = {}
    if mode == "bare":
        import fastexcel

        reader = fastexcel.read_excel(Path(path).read_bytes())
        reader.load_sheet(0).to_arrow()
    elif mode == "bare_csv":
        import pyarrow.csv as pa_csv

        pa_csv.read_csv(path)
    elif mode == "stages":
        extra["stages"] = stages(path, mapping)
    else:
        from collabplan.cli import main

        with tempfile.TemporaryDirectory() as tmp:
            code = main(
                [
                    "import",
                    path,
                    "--db",
                    str(Path(tmp) / "bench.duckdb"),
                    "--mapping",
                    mapping,
                    "--json",
                ]
            )
            if code != 0:
                raise SystemExit(code)
    seconds = time.perf_counter() - start
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kb_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps({"seconds": seconds, "peak_mb": max(kb, kb_children) / 1024, **extra}),
        file=sys.stderr,
    )


def stages(path: str, mapping: str) -> dict[str, tuple[float, float]]:
    """The import's steps one by one, as the command line runs them, with their own timings."""
    from collabplan import db
    from collabplan.ingest.load import import_prepared
    from collabplan.ingest.mapping import load_mapping
    from collabplan.ingest.normalise.prepare import prepare_sheets
    from collabplan.ingest.read import read_upload

    data, name, m = Path(path).read_bytes(), Path(path).name, load_mapping(Path(mapping))
    timings = {}

    def timed(label, fn):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        timings[label] = (time.perf_counter() - wall, time.process_time() - cpu)
        return out

    with tempfile.TemporaryDirectory() as tmp:
        database = db.connect(Path(tmp) / "bench.duckdb")
        sheets = timed("read", lambda: read_upload(data, name, sheets=m.sheet))
        prepared = timed("normalise", lambda: prepare_sheets(sheets, name, m, sha256="bench"))
        timed("save", lambda: import_prepared(database, prepared))
    return timings


def measure(mode: str, path: Path, mapping: Path | None = None, runs: int = 5) -> dict:
    """The median run (by seconds) of ``runs`` fresh child processes."""
    done = sorted((_measure_once(mode, path, mapping) for _ in range(runs)), key=_seconds)
    return done[len(done) // 2]


def measure_pairs(path: Path, mapping: Path, runs: int) -> tuple[dict, dict, list[float]]:
    """A bare read and an import, one after the other, ``runs`` times: the median of each and
    every pair's ratio, smallest first. Taking them in pairs compares the two under the same load
    (a shared machine can be a third slower for a few seconds)."""
    bares, imports, ratios = [], [], []
    for _ in range(runs):
        bare = _measure_once("bare", path, None)
        imp = _measure_once("import", path, mapping)
        bares.append(bare)
        imports.append(imp)
        ratios.append(imp["seconds"] / bare["seconds"])
    middle = runs // 2
    ratios.sort()
    return (
        sorted(bares, key=_seconds)[middle],
        sorted(imports, key=_seconds)[middle],
        ratios,
    )


def _seconds(run: dict) -> float:
    return run.get("seconds", 0.0)


def _measure_once(mode: str, path: Path, mapping: Path | None) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, str(path)] + (
        [str(mapping)] if mapping else []
    )
    done = subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)}
    )
    if done.returncode != 0:
        raise SystemExit(
            f"{mode} failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}"
        )
    return json.loads(done.stderr.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=100_000)
    ap.add_argument("--skills", type=int, default=12)
    ap.add_argument("--long-rows", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median shown)")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    wide = OUT / f"wide_{args.students}x{args.skills}.xlsx"
    long = OUT / f"long_{args.long_rows}.csv"
    if not wide.exists():
        print(f"writing {wide.name} …", flush=True)
        make_wide(wide, args.students, args.skills)
    if not long.exists():
        print(f"writing {long.name} …", flush=True)
        make_long(long, args.long_rows)
    (OUT / "wide.mapping.toml").write_text(WIDE_MAPPING)
    (OUT / "long.mapping.toml").write_text(LONG_MAPPING)
    # byte-compile collabplan as pip does for an installed package (fastexcel, duckdb and
    # pyarrow come compiled): with PYTHONDONTWRITEBYTECODE set, every run would otherwise
    # time Python compiling the import code from source
    compileall.compile_dir(str(ROOT / "collabplan"), quiet=1)

    runs = args.runs
    print(f"median of {runs} runs each; load average now {os.getloadavg()[0]:.1f}")
    bare, imp, ratios = measure_pairs(wide, OUT / "wide.mapping.toml", runs)
    ratio = ratios[len(ratios) // 2]
    print(
        f"wide workbook {args.students:,} students x {args.skills} skills "
        f"({args.students * args.skills:,} scores, {wide.stat().st_size / 1e6:.1f} MB)"
    )
    print(f"  bare fastexcel read : {bare['seconds']:6.2f} s  peak {bare['peak_mb']:7.0f} MB")
    print(f"  collabplan import   : {imp['seconds']:6.2f} s  peak {imp['peak_mb']:7.0f} MB")
    print(
        f"  ratio import / read : {ratio:6.2f}x (target <= 2.0x; median of the runs' ratios,"
        f" which go from {ratios[0]:.2f}x to {ratios[-1]:.2f}x)"
    )
    print_stages(measure("stages", wide, OUT / "wide.mapping.toml", runs=1))
    bare_csv = measure("bare_csv", long, runs=runs)
    imp_csv = measure("import", long, OUT / "long.mapping.toml", runs=runs)
    print(f"long csv {args.long_rows:,} rows ({long.stat().st_size / 1e6:.1f} MB)")
    print(
        f"  bare pyarrow read   : {bare_csv['seconds']:6.2f} s  peak {bare_csv['peak_mb']:7.0f} MB"
    )
    print(f"  collabplan import   : {imp_csv['seconds']:6.2f} s  peak {imp_csv['peak_mb']:7.0f} MB")
    print_stages(measure("stages", long, OUT / "long.mapping.toml", runs=1))


def print_stages(run: dict) -> None:
    """One line per import step: wall and CPU seconds (one run, in-process)."""
    parts = [f"{k} {w:.2f} s (cpu {c:.2f})" for k, (w, c) in run["stages"].items()]
    print("  import steps        : " + ", ".join(parts))


if __name__ == "__main__":
    main()
