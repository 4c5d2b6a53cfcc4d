"""Import speed: `python -m collabplan import` against a bare fastexcel read of the same file.

    python benchmarks/import_bench.py [--students 100000] [--skills 12] [--long-rows 200000]

Writes its inputs once into benchmarks/out/ (git-ignored): a wide workbook (a row per student,
a percent column per skill) and a long csv (a row per student x standard). Each measurement
runs in a fresh child process; peak memory is that child's ru_maxrss (plus its own children,
e.g. the reader's parsing process). Prints the figures and the import / bare-read ratio.
"""

from __future__ import annotations

import argparse
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
    if mode == "bare":
        import fastexcel

        reader = fastexcel.read_excel(Path(path).read_bytes())
        reader.load_sheet(0).to_arrow()
    elif mode == "bare_csv":
        import pyarrow.csv as pa_csv

        pa_csv.read_csv(path)
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
    print(json.dumps({"seconds": seconds, "peak_mb": max(kb, kb_children) / 1024}), file=sys.stderr)


def measure(mode: str, path: Path, mapping: Path | None = None) -> dict:
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

    bare = measure("bare", wide)
    imp = measure("import", wide, OUT / "wide.mapping.toml")
    print(
        f"wide workbook {args.students:,} students x {args.skills} skills "
        f"({args.students * args.skills:,} scores, {wide.stat().st_size / 1e6:.1f} MB)"
    )
    print(f"  bare fastexcel read : {bare['seconds']:6.2f} s  peak {bare['peak_mb']:7.0f} MB")
    print(f"  collabplan import   : {imp['seconds']:6.2f} s  peak {imp['peak_mb']:7.0f} MB")
    print(f"  ratio import / read : {imp['seconds'] / bare['seconds']:6.2f}x (target <= 2.0x)")
    bare_csv = measure("bare_csv", long)
    imp_csv = measure("import", long, OUT / "long.mapping.toml")
    print(f"long csv {args.long_rows:,} rows ({long.stat().st_size / 1e6:.1f} MB)")
    print(
        f"  bare pyarrow read   : {bare_csv['seconds']:6.2f} s  peak {bare_csv['peak_mb']:7.0f} MB"
    )
    print(f"  collabplan import   : {imp_csv['seconds']:6.2f} s  peak {imp_csv['peak_mb']:7.0f} MB")


if __name__ == "__main__":
    main()
