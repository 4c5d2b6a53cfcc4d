"""Each score keeps its own student, class and teacher when source rows are skipped between
scored rows (the writer numbers a file's sittings by source row, with gaps)."""

from __future__ import annotations

from collabplan.ingest.load import import_file
from collabplan.ingest.mapping import Mapping

MAPPING = """
[assessment]
name = "Unit 3 CFA"
date = "2026-01-20"
[columns]
student_id = "ID"
student_name = "Student"
class = "Class"
[scores]
layout = "wide"
columns = ["Fractions", "Area"]
kind = "points"
max = 4
"""

CSV = (
    "ID,Student,Class,Fractions,Area\n"
    "1,Ada Lovelace,3A,4,2\n"
    ",,,,\n"  # a blank row: no sitting, and the next rows' numbers jump
    "Class average,,,3,3\n"  # a summary row: skipped too
    "2,Alan Turing,3B,1,\n"  # Area blank: one score only
    "3,Grace Hopper,3C,,3\n"
)


def test_scores_keep_their_student_class_and_values_across_skipped_rows(db):
    result = import_file(db, CSV.encode(), "unit3.csv", Mapping.from_toml(MAPPING, name="t"))
    assert result.scores == 4 and result.students == 3
    rows = db.rows(
        """SELECT st.local_id, s.class_name, s.skill, s.points, s.max_points, s.proficient
           FROM score s JOIN student st ON st.id = s.student_id ORDER BY 1, 3"""
    )
    assert rows == [
        ("1", "3A", "Area", 2.0, 4.0, False),
        ("1", "3A", "Fractions", 4.0, 4.0, True),
        ("2", "3B", "Fractions", 1.0, 4.0, False),
        ("3", "3C", "Area", 3.0, 4.0, False),
    ]
    # one sitting per scored row, each with its own class
    assert db.rows("SELECT class_name FROM sitting ORDER BY id") == [("3A",), ("3B",), ("3C",)]


LONG = """
[assessment]
name = "Standards check"
date = "2026-02-02"
[columns]
student_id = "ID"
class = "Class"
[scores]
layout = "long"
skill = "Standard"
score = "Points"
max = 4
kind = "points"
"""


def test_a_long_file_has_one_sitting_per_student_and_class(db):
    # rows come standard by standard, so a student's rows are far apart; student 2 moved
    # class in the file, which keeps two sittings apart
    csv = (
        "ID,Class,Standard,Points\n"
        "1,3A,RL.1,4\n2,3A,RL.1,3\n3,3B,RL.1,1\n"
        "1,3A,RL.2,2\n2,3C,RL.2,4\n3,3B,RL.2,0\n"
    )
    result = import_file(db, csv.encode(), "long.csv", Mapping.from_toml(LONG, name="t"))
    assert result.scores == 6 and result.students == 3
    sittings = db.rows(
        """SELECT st.local_id, s.class_name, count(*) FROM sitting s
           JOIN student st ON st.id = s.student_id GROUP BY ALL ORDER BY 1, 2"""
    )
    assert sittings == [("1", "3A", 1), ("2", "3A", 1), ("2", "3C", 1), ("3", "3B", 1)]
    rows = db.rows(
        """SELECT st.local_id, s.class_name, s.skill, s.points FROM score s
           JOIN student st ON st.id = s.student_id ORDER BY 1, 3"""
    )
    assert rows == [
        ("1", "3A", "RL.1", 4.0), ("1", "3A", "RL.2", 2.0),
        ("2", "3A", "RL.1", 3.0), ("2", "3C", "RL.2", 4.0),
        ("3", "3B", "RL.1", 1.0), ("3", "3B", "RL.2", 0.0),
    ]
    # score values are stored in sitting order
    ids = [i for (i,) in db.rows("SELECT sitting_id FROM score_value")]
    assert ids == sorted(ids)
