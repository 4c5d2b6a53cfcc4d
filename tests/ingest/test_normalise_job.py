"""The assessment's name when the mapping gives none (collabplan/ingest/normalise/job.py)."""

from __future__ import annotations

import duckdb

from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.job import Job

CODES = """
[columns]
student_id = "id"
[scores]
layout = "wide"
columns = ["Level"]
[scores.skill_from_filename]
SR = "Star Reading"
SM = "Star Math"
"""


def job(text: str, file_name: str) -> Job:
    return Job(duckdb.connect(), file_name, Mapping.from_toml(text), 1)


def test_a_code_in_the_file_name_names_the_assessment_too():
    assert job(CODES, "SM_V2_scrub.csv").assessment_name == "Star Math"
    assert job(CODES, "district SR_v2.csv").assessment_name == "Star Reading"


def test_a_given_name_wins_and_otherwise_the_file_name_is_used():
    named = CODES.replace("[columns]", '[assessment]\nname = "Star 2023"\n[columns]')
    assert job(named, "SR_v2.csv").assessment_name == "Star 2023"
    plain = CODES.split("[scores.skill_from_filename]")[0] + "skill_from_filename = true\n"
    assert job(plain, "Fractions Quiz.csv").assessment_name == "Fractions Quiz"
