from collabplan.access import Viewer


def test_the_local_user_is_a_leader_of_everything() -> None:
    me = Viewer.local_user()
    assert me.role == "leader" and me.local and me.sees_students and not me.suppresses
    assert me.can_see_team(3) and me.can_see_team(None)
    assert me.with_projection(True).suppresses and not me.with_projection(True).sees_students


def test_a_teacher_sees_only_their_teams_students() -> None:
    t = Viewer("ana@school.org", "teacher", team_ids=frozenset({1, 2}))
    assert t.can_see_team(1) and t.can_see_team(2)
    assert not t.can_see_team(3) and not t.can_see_team(None)
    assert t.sees_students and not t.sees_every_team and t.who == "ana@school.org"


def test_a_coach_sees_every_team_but_no_student() -> None:
    c = Viewer("coach@school.org", "coach")
    assert c.sees_every_team and not c.sees_students and c.suppresses
    assert not c.can_see_team(1)
