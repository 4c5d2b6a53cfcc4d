"""Files of "another school": the demo's grade 4 ids (400100 …) on other students, built with
the sample generators as an NWEA MAP results file and its StudentsBySchool roster."""

from __future__ import annotations

from collabplan.samples.students import SCHOOL_YEAR, SkillSpec, make_roster
from collabplan.samples.truth import Generated
from collabplan.samples.vendors import nwea_map_results, nwea_students_by_school

MATH = [
    SkillSpec("Operations and Algebraic Thinking", 0.25, 0.3),
    SkillSpec("Number and Operations", -0.85, 0.5),
    SkillSpec("Measurement and Data", 0.0, 0.3),
    SkillSpec("Geometry", 0.35, 0.25),
]


def other_school_grade4(n: int = 78, seed: int = 404) -> tuple[Generated, Generated]:
    """(results, roster) of ``n`` grade 4 students with the demo's ids and other names."""
    students = make_roster(
        seed, n, 4, first_id=400100, classes=(("Room 5", "Ms. Ortiz"), ("Room 6", "Mr. Berg"))
    )
    results = nwea_map_results(
        students, {"Mathematics": MATH}, SCHOOL_YEAR[:1], seed=seed,
        school="Hillside Elementary", file_name="CombinedAssessmentResults_Hillside.csv",
    )
    roster = nwea_students_by_school(
        students, SCHOOL_YEAR[0], school="Hillside Elementary", file_name="StudentsBySchool_Hillside.csv"
    )
    return results, roster
