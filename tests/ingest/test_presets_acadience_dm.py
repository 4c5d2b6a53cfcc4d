"""The older Acadience Data Management (DIBELSnet-style) export, wide and lower-case with scores
only, in the real header order (178 columns, and the 69-column BOY variant with ``ark6_``
prefixes and ``_lexile`` extras), is read exactly with no mapping: a Reading Composite sitting
per student and period present, its level from the published benchmark goal of the header's
grade and period; and ``[benchmarks]`` itself: levels from cut scores, by header or by
column, with every missing goal refused."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.detect import detect_layout
from collabplan.ingest.mapping import Mapping, presets
from collabplan.ingest.normalise.prepare import prepare, prepare_sheets
from collabplan.ingest.read import read_upload
from tests.raw_sheets import sheet
from tests.real_layouts import HEADERS, layout_csv
from tests.vendor_rows import counts, expected_counts, import_exact, rows_csv

PERIOD = {"beg": "beginning", "mid": "middle", "end": "end"}
#: (benchmark goal, cut point for risk) of the Reading Composite by grade and period, as the
#: preset cites them
GOAL = {
    ("K", "beg"): (26, 13), ("K", "mid"): (122, 85), ("K", "end"): (119, 89),
    ("1", "beg"): (113, 97), ("1", "mid"): (130, 100), ("1", "end"): (155, 111),
    ("2", "beg"): (141, 109), ("2", "mid"): (190, 145), ("2", "end"): (238, 180),
    ("3", "beg"): (220, 180), ("3", "mid"): (285, 235), ("3", "end"): (330, 280),
    ("4", "beg"): (290, 245), ("4", "mid"): (330, 290), ("4", "end"): (391, 330),
    ("5", "beg"): (357, 258), ("5", "mid"): (372, 310), ("5", "end"): (415, 340),
    ("6", "beg"): (344, 280), ("6", "mid"): (358, 285), ("6", "end"): (380, 324),
}  # fmt: skip

# student -> (grade column, {(header grade, period): composite}); scores at, one under and
# over each goal; a grade-6 row carries its grade-5 end score (scored on grade 5 goals)
FULL = {
    "13090": ("K", {("K", "beg"): 26, ("K", "mid"): 121, ("K", "end"): 150}),
    "13091": ("K", {("K", "beg"): 25, ("K", "mid"): 122}),
    "13092": ("1", {("1", "beg"): 113, ("1", "mid"): 99, ("1", "end"): 155}),
    "13093": ("2", {("2", "beg"): 140, ("2", "mid"): 190, ("2", "end"): 237}),
    "13094": ("3", {("3", "beg"): 220, ("3", "mid"): 284, ("3", "end"): 404}),
    "13095": ("4", {("4", "beg"): 289, ("4", "mid"): 330, ("4", "end"): 391}),
    "13096": ("5", {("5", "beg"): 357, ("5", "mid"): 371, ("5", "end"): 0}),
    "13097": ("6", {("5", "end"): 415, ("6", "beg"): 343, ("6", "mid"): 358, ("6", "end"): 380}),
    "13098": ("3", {}),  # on the roster, not tested
}
BOY = {
    "20001": ("K", {("K", "beg"): 26}),
    "20002": ("1", {("1", "beg"): 112}),
    "20003": ("2", {("2", "beg"): 141}),
    "20004": ("3", {("3", "beg"): 219}),
    "20005": ("4", {("4", "beg"): 290}),
    "20006": ("5", {("5", "beg"): 356}),
    "20007": ("6", {("6", "beg"): 344}),
}


def dm_rows(layout: str, students: dict) -> bytes:
    headers = HEADERS[layout]
    prefix = "ark6_" if layout.endswith("ark6") else ""
    rows = []
    for sid, (grade, scores) in students.items():
        row = {h: "" for h in headers if h.lower().rsplit("_", 1)[-1] in ("beg", "mid", "end", "lexile")}
        row.update({"student_id": sid, "last_name": f"Last{sid}", "first_name": f"First{sid}",
                    "grade": grade, "year": "2022", "class_name": "Hermosa-Brown"})
        for (g, p), score in scores.items():
            row[f"{prefix}composite_{g}_{p}"] = str(score)
            for measure in ("orf", "retell", "lnf", "psf", "cls", "fsf"):  # measures: not skills
                if f"{measure}_{g}_{p}" in headers:
                    row[f"{measure}_{g}_{p}"] = "41"
            if f"{prefix}composite_{g}_{p}_lexile" in headers:
                row[f"{prefix}composite_{g}_{p}_lexile"] = "BR300L"
        rows.append(row)
    return rows_csv(layout, rows)


def expected(students: dict) -> dict:
    return expected_counts(
        ("Acadience Reading", PERIOD[p], "Reading Composite", sid, score >= GOAL[(g, p)][0])
        for sid, (_grade, scores) in students.items()
        for (g, p), score in scores.items()
    )


@pytest.mark.parametrize(
    ("layout", "students", "file_name"),
    [
        ("acadience_data_management", FULL, "scrubbed_FAIRFAX_ACADIENCE_08_11_21.csv"),
        ("acadience_data_management_ark6", BOY, "K6_BOY_Scrub_22_23.csv"),
    ],
)
def test_data_management_export_is_read_exactly(db, layout, students, file_name):
    result = import_exact(db, dm_rows(layout, students), file_name, "acadience_data_management")
    assert result.students == len(students)
    got = counts(db)
    assert got == expected(students)
    assert {skill for _a, _t, skill in got} == {"Reading Composite"}


def test_data_management_counts_spelled_out(db):
    import_exact(db, dm_rows("acadience_data_management", FULL), "dm.csv", "acadience_data_management")
    got = counts(db)
    # beginning: 26 K (goal 26) yes, 25 K no, 113 (1) yes, 140 (2) no, 220 (3) yes, 289 (4) no,
    # 357 (5) yes, 343 (6) no
    assert got[("Acadience Reading", "beginning", "Reading Composite")] == (8, 4)
    # end: 150 K yes, 155 (1) yes, 237 (2) no, 404 (3) yes, 391 (4) yes, 0 (5) no, 415 (grade-5
    # end of the grade-6 student) yes and 380 (6) yes: the student's two end sittings
    assert got[("Acadience Reading", "end", "Reading Composite")] == (7, 5)


def test_levels_are_the_three_status_levels_by_the_header_grade():
    p = prepare(dm_rows("acadience_data_management", FULL), "dm.csv")
    rows = {(r["local_id"], r["term"]): r for r in p.scores.to_pylist()}
    assert rows[("13096", "end")]["level"] == "Well Below Benchmark"  # 0 < 340
    assert rows[("13091", "beginning")]["level"] == "Below Benchmark"  # 13 <= 25 < 26
    assert rows[("13090", "middle")]["level"] == "Below Benchmark"  # 85 <= 121 < 122
    assert rows[("13092", "middle")]["level"] == "Well Below Benchmark"  # 99 < 100
    assert rows[("13094", "beginning")]["level"] == "At or Above Benchmark"


def test_the_preset_goals_are_the_published_table():
    table = presets()["acadience_data_management"].benchmarks["Reading Composite"]
    assert {k: tuple(v) for k, v in table.items()} == {
        f"{g} {PERIOD[p]}": (float(risk), float(goal)) for (g, p), (goal, risk) in GOAL.items()
    }


OTHER_VENDORS = [n for n in HEADERS if not n.startswith("acadience_data_management")]


@pytest.mark.parametrize("name", OTHER_VENDORS)
def test_the_preset_is_not_picked_for_other_vendors(name):
    found = detect_layout(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")
    assert found.name != "acadience_data_management"


# -- [benchmarks] in a mapping ------------------------------------------------------------

BENCH = """[columns]
student_id = "ID"
grade = "Grade"
term = "Period"
[scores]
columns = ["Composite"]
levels = ["Well Below", "Below", "At or Above"]
proficient = "At or Above"
[benchmarks.Composite]
"K beginning" = [13, 26]
"1 Beginning" = [97, 113]
"""


def test_benchmarks_read_grade_and_window_from_columns():
    rows = [
        ["ID", "Grade", "Period", "Composite"],
        ["1", "K", "beginning", "26"],
        ["2", "KG", "Beginning", "12"],
        ["3", "01", "beginning", "100"],
        ["4", "1", "beginning", ""],  # no score
        ["5", "1", "beginning", "Discontinue"],  # a "no score" mark
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", Mapping.from_toml(BENCH, name="t"))
    got = {r["local_id"]: (r["level"], r["proficient"]) for r in p.scores.to_pylist()}
    assert got == {"1": ("At or Above", True), "2": ("Well Below", False), "3": ("Below", False)}


def test_a_score_with_no_goal_for_its_grade_and_window_is_refused():
    rows = [["ID", "Grade", "Period", "Composite"], ["1", "2", "middle", "150"]]
    with pytest.raises(UserError) as info:
        prepare_sheets([sheet(rows)], "f.csv", Mapping.from_toml(BENCH, name="t"))
    text = str(info.value)
    assert "Composite has a score (150) for grade 2, middle" in text
    assert "no benchmark goal is known" in text and "\n" not in text


def test_benchmarks_need_a_grade_and_a_window():
    m = Mapping.from_toml(BENCH.replace('grade = "Grade"\n', ""), name="t")
    with pytest.raises(UserError, match="no grade column; map \\[columns\\] grade"):
        prepare_sheets([sheet([["ID", "Period", "Composite"], ["1", "beginning", "20"]])], "f.csv", m)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('[benchmarks.Composite]\n"K beginning" = [26]', r'\[benchmarks\] Composite "K beginning" must list 2 cut score'),
        ('[benchmarks.Composite]\n"K beginning" = [26, 13]', r"cut scores must go up"),
        ('[benchmarks.Composite]\n"K beginning" = [13, "26"]', r"must list 2 cut score"),
        ('[benchmarks.Composite]\nbeginning = [13, 26]', r"must name a grade and a window"),
        ('[benchmarks.Composite]\n"K beginning" = [1, 2]\n"kg  Beginning" = [1, 2]', r"same grade and window"),
        ("[benchmarks]\nComposite = 3", r"\[benchmarks\] Composite must be a table"),
    ],
)
def test_a_bad_benchmark_is_one_line_naming_it(body, says):
    head = BENCH[: BENCH.index("[benchmarks")]
    with pytest.raises(UserError, match=says) as info:
        Mapping.from_toml(head + body, name="t")
    assert "\n" not in str(info.value)


def test_benchmarks_need_levels():
    text = '[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 10\n[benchmarks.S]\n"K beginning" = [1]\n'
    with pytest.raises(UserError, match=r"\[benchmarks\] needs \[scores\] levels"):
        Mapping.from_toml(text, name="t")


def test_benchmarks_and_term_names_round_trip():
    m = presets()["acadience_data_management"]
    again = Mapping.from_toml(m.to_toml(), name=m.name)
    assert again.benchmarks == m.benchmarks and again.scores.term_names == m.scores.term_names
