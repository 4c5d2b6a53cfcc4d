"""collabplan.people: who may sign in, with which role and teams; one line per mistake."""

from __future__ import annotations

import pytest

from collabplan import audit, people
from collabplan.access import Viewer
from collabplan.errors import UserError


@pytest.fixture
def school(db):
    with db.transaction() as cur:
        cur.execute("INSERT INTO team (name) VALUES ('Grade 3'), ('Grade 4'), ('Maths')")
    return db


def _team_id(db, name: str) -> int:
    return int(db.scalar("SELECT id FROM team WHERE name = ?", [name]))


def test_add_keeps_the_email_lower_cased_with_role_name_and_teams(school) -> None:
    person = people.add(school, "  Ms.Lee@School.ORG ", "Teacher", name="  Ms   Lee ",
                        teams=["grade 4", "Maths"], who="boss@school.org")
    assert person.email == "ms.lee@school.org"
    assert person.role == "teacher"
    assert person.name == "Ms Lee"
    assert person.teams == ("Grade 4", "Maths")
    assert person.added_by == "boss@school.org"
    assert person.added_at is not None
    assert people.get(school, "MS.LEE@school.org") == person
    log = audit.recent(school)
    assert log.iloc[0]["action"] == "person add"
    assert log.iloc[0]["who"] == "boss@school.org"
    assert "ms.lee@school.org as teacher" in log.iloc[0]["detail"]


@pytest.mark.parametrize("email", ["", "   ", "lee", "lee@", "@school.org", "lee@school",
                                   "a b@school.org", "lee@@school.org", "x" * 250 + "@s.org",
                                   "lee\n@school.org", "le\x07e@school.org", "<lee@school.org>"])
def test_an_address_that_is_not_an_email_is_one_line_and_nothing_is_written(school, email) -> None:
    with pytest.raises(UserError) as caught:
        people.add(school, email, "teacher")
    assert "\n" not in str(caught.value)
    assert people.count(school) == 0


@pytest.mark.parametrize("role", ["", "admin", "Leaderx", None])
def test_a_role_outside_the_three_is_refused(school, role) -> None:
    with pytest.raises(UserError, match="leader, coach, teacher"):
        people.add(school, "a@school.org", role)
    assert people.count(school) == 0


def test_an_unknown_team_is_refused_and_names_the_teams(school) -> None:
    with pytest.raises(UserError, match="No team is called 'Grade 9'. Teams: Grade 3, Grade 4, Maths"):
        people.add(school, "a@school.org", "teacher", teams=["Grade 3", "Grade 9"])
    assert people.count(school) == 0
    assert audit.recent(school).empty


def test_the_same_address_twice_is_refused_whatever_its_case(school) -> None:
    people.add(school, "a@school.org", "coach")
    with pytest.raises(UserError, match="already"):
        people.add(school, "A@School.org", "teacher")
    assert [p.role for p in people.list_people(school)] == ["coach"]


def test_update_changes_role_name_and_teams_and_leaves_the_rest(school) -> None:
    people.add(school, "boss@school.org", "leader")
    people.add(school, "a@school.org", "teacher", name="Ann", teams=["Grade 3"])
    changed = people.update(school, "A@school.org", teams=["Grade 4", "Maths"], who="boss@school.org")
    assert (changed.role, changed.name, changed.teams) == ("teacher", "Ann", ("Grade 4", "Maths"))
    changed = people.update(school, "a@school.org", role="coach", teams=[])
    assert (changed.role, changed.name, changed.teams) == ("coach", "Ann", ())
    changed = people.update(school, "a@school.org", name="")
    assert changed.name is None


def test_update_of_someone_not_listed_is_one_line(school) -> None:
    with pytest.raises(UserError, match="not in the list"):
        people.update(school, "ghost@school.org", role="coach")


def test_the_last_leader_can_be_neither_removed_nor_demoted(school) -> None:
    people.add(school, "boss@school.org", "leader")
    with pytest.raises(UserError, match="only leader"):
        people.remove(school, "boss@school.org")
    with pytest.raises(UserError, match="only leader"):
        people.update(school, "boss@school.org", role="teacher")
    people.add(school, "deputy@school.org", "leader")
    people.update(school, "boss@school.org", role="coach")
    with pytest.raises(UserError, match="only leader"):
        people.remove(school, "deputy@school.org")
    assert people.get(school, "deputy@school.org").role == "leader"


def test_remove_returns_the_person_and_restore_puts_them_back(school) -> None:
    people.add(school, "boss@school.org", "leader")
    people.add(school, "a@school.org", "teacher", name="Ann", teams=["Grade 3", "Maths"])
    gone = people.remove(school, "a@school.org", who="boss@school.org")
    assert people.get(school, "a@school.org") is None
    assert school.scalar("SELECT count(*) FROM person_team") == 0
    back = people.restore(school, gone, who="boss@school.org")
    assert (back.email, back.role, back.name, back.teams) == (
        "a@school.org", "teacher", "Ann", ("Grade 3", "Maths"))
    actions = audit.recent(school)["action"].tolist()
    assert actions[:2] == ["person add", "person remove"]


def test_remove_of_someone_not_listed_is_one_line(school) -> None:
    with pytest.raises(UserError, match="not in the list"):
        people.remove(school, "ghost@school.org")


def test_list_puts_leaders_first_then_coaches_then_teachers(school) -> None:
    for email, role in [("t@school.org", "teacher"), ("c@school.org", "coach"),
                        ("b@school.org", "leader"), ("a@school.org", "teacher")]:
        people.add(school, email, role)
    assert [p.email for p in people.list_people(school)] == [
        "b@school.org", "c@school.org", "a@school.org", "t@school.org"]


def test_viewer_for_builds_the_viewer_with_team_ids(school) -> None:
    people.add(school, "a@school.org", "teacher", name="Ann", teams=["Grade 4", "Maths"])
    viewer = people.viewer_for(school, "A@School.org", projection=True)
    assert viewer == Viewer(email="a@school.org", role="teacher", name="Ann",
                            team_ids=frozenset({_team_id(school, "Grade 4"), _team_id(school, "Maths")}),
                            local=False, projection=True)
    assert viewer.can_see_team(_team_id(school, "Maths"))
    assert not viewer.can_see_team(_team_id(school, "Grade 3"))


@pytest.mark.parametrize("email", [None, "", "not an email", "nobody@school.org"])
def test_viewer_for_someone_not_listed_is_none(school, email) -> None:
    people.add(school, "a@school.org", "leader")
    assert people.viewer_for(school, email) is None


def test_a_removed_team_leaves_its_members_one_team_fewer_on_reopen(school, db_path) -> None:
    from collabplan import db as db_module

    people.add(school, "a@school.org", "teacher", teams=["Grade 3", "Grade 4"])
    with school.transaction() as cur:
        cur.execute("DELETE FROM team WHERE name = 'Grade 3'")
    db_module.close(db_path)
    reopened = db_module.connect(db_path)
    assert people.get(reopened, "a@school.org").teams == ("Grade 4",)
