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


def test_what_each_role_reads_and_writes() -> None:
    import pytest

    from collabplan.access import NO_STUDENT_LISTS
    from collabplan.errors import UserError

    teacher = Viewer("ana@school.org", "teacher", team_ids=frozenset({2, 1}))
    coach = Viewer("coach@school.org", "coach")
    leader = Viewer.local_user()
    assert teacher.team_scope == frozenset({1, 2})
    assert coach.team_scope is None and leader.team_scope is None
    teacher.require_students()
    leader.require_students()
    with pytest.raises(UserError, match=NO_STUDENT_LISTS) as refused:
        coach.require_students()
    assert refused.value.kind == "access"
    with pytest.raises(UserError, match="projection"):
        leader.with_projection(True).require_students()
    assert teacher.can_edit_team(1) and not teacher.can_edit_team(3)
    assert not teacher.can_edit_team(None) and not coach.can_edit_team(1)
    assert leader.can_edit_team(3) and leader.can_edit_team(None)
    teacher.require_goal_team(1, by_team_id=2)
    with pytest.raises(UserError, match="team's own"):
        teacher.require_goal_team(3)
    with pytest.raises(UserError, match="act for that team"):
        teacher.require_goal_team(1, by_team_id=3)
    leader.require_goal_team(3, by_team_id=1)
