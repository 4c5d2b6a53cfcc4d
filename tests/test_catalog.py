from __future__ import annotations

import pytest

from collabplan import catalog
from tests import factories as f


@pytest.fixture
def school(db):
    """24 grade-7 students in two classes (ELL: every other one), a CFA given fall and winter."""
    return f.review_school(db)


def test_filter_options_list_what_the_assessment_holds(db, school):
    opts = catalog.filter_options(db, school["team"], school["cfa"])
    assert opts["teams"]["name"].tolist() == ["Grade 7 ELA"]
    assert opts["assessments"]["name"].tolist() == ["Unit 2 CFA"]
    assert opts["administrations"]["id"].tolist() == [school["fall"], school["winter"]]
    assert opts["classes"] == ["7A", "7B"]
    assert opts["teachers"] == ["Mr. Kim", "Ms. Lee"]
    assert opts["grades"] == ["7"]
    assert opts["groups"] == ["ELL"]
    empty = catalog.filter_options(db, None, None)
    assert empty["administrations"].empty and empty["classes"] == []
