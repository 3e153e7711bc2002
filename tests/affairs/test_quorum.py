"""The quorum and majority rules of 四议两公开 at their edges, as pure functions: "过半数" (more than half:
exactly half is not enough), "三分之二以上" (two thirds or more: exactly two thirds is enough), abstentions
present and not for, the party steps' majority of those who should attend, the smallest meetings (1, 2, 3),
and counts that cannot stand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.affairs import quorum
from gridgov.affairs.models import Assembly
from gridgov.affairs.quorum import Count

HALF = [Assembly.BRANCH_COMMITTEE, Assembly.TWO_COMMITTEES, Assembly.PARTY_MEMBERS, Assembly.VILLAGERS]
TWO_THIRDS = [Assembly.HOUSEHOLDS, Assembly.REPRESENTATIVES]


def count(expected, present, votes_for, against=0, abstain=0) -> Count:
    return Count(expected, present, votes_for, against, abstain)


@pytest.mark.parametrize("expected, half, two_thirds", [
    (1, 1, 1), (2, 2, 2), (3, 2, 2), (4, 3, 3), (5, 3, 4), (6, 4, 4), (9, 5, 6), (10, 6, 7), (30, 16, 20),
    (31, 16, 21), (300, 151, 200), (301, 151, 201)])
def test_fewest_present_to_hold_the_meeting(expected, half, two_thirds):
    for assembly in HALF:
        assert quorum.quorum_needed(assembly, expected) == half
    for assembly in TWO_THIRDS:
        assert quorum.quorum_needed(assembly, expected) == two_thirds


@pytest.mark.parametrize("assembly", HALF)
def test_exactly_half_present_is_no_quorum(assembly):
    assert not quorum.has_quorum(assembly, count(10, 5, 5))
    assert quorum.has_quorum(assembly, count(10, 6, 6))
    assert not quorum.has_quorum(assembly, count(2, 1, 1))  # one of two is half


@pytest.mark.parametrize("assembly", TWO_THIRDS)
def test_exactly_two_thirds_present_is_a_quorum(assembly):
    assert quorum.has_quorum(assembly, count(30, 20, 20))
    assert not quorum.has_quorum(assembly, count(30, 19, 19))
    assert quorum.has_quorum(assembly, count(3, 2, 2))
    assert not quorum.has_quorum(assembly, count(31, 20, 20))  # 20 of 31 is less than two thirds
    with pytest.raises(quorum.QuorumError) as refused:
        quorum.check_quorum(assembly, count(31, 20, 20))
    assert refused.value.field == "present" and all(n in refused.value.message for n in ("20", "31", "21"))


@pytest.mark.parametrize("assembly", [Assembly.TWO_COMMITTEES, Assembly.VILLAGERS, *TWO_THIRDS])
def test_a_decision_needs_more_than_half_of_those_present(assembly):
    assert not quorum.passes(assembly, count(30, 24, 12, 12))  # exactly half of those present
    assert quorum.passes(assembly, count(30, 24, 13, 11))
    # Abstaining is present and not for: 12 for, 5 against and 7 abstaining is not a majority of 24.
    assert not quorum.passes(assembly, count(30, 24, 12, 5, 7))
    with pytest.raises(quorum.QuorumError) as refused:
        quorum.check_passed(assembly, count(30, 24, 12, 5, 7))
    message = refused.value.message
    assert refused.value.field == "votes_for" and all(n in message for n in ("12", "5", "7", "24", "13"))


@pytest.mark.parametrize("assembly", [Assembly.BRANCH_COMMITTEE, Assembly.PARTY_MEMBERS])
def test_the_party_steps_need_more_than_half_of_those_who_should_attend(assembly):
    # 支部工作条例: a majority of the members who should attend, not of those present.
    assert quorum.majority_needed(assembly, count(7, 4, 4)) == 4
    assert quorum.passes(assembly, count(7, 4, 4))
    assert not quorum.passes(assembly, count(8, 5, 4, 1))  # 4 of 8 is half, though a majority of the 5 present
    assert quorum.passes(assembly, count(8, 5, 5))
    with pytest.raises(quorum.QuorumError) as refused:
        quorum.check_passed(assembly, count(8, 5, 4, 1))
    assert "8" in refused.value.message and "5" in refused.value.message


@pytest.mark.parametrize("assembly", HALF + TWO_THIRDS)
@pytest.mark.parametrize("expected", [1, 2, 3])
def test_the_smallest_meetings(assembly, expected):
    """One, two or three who should attend: everyone present and for always passes; nobody present never
    holds the meeting; one of two is never a quorum."""
    assert quorum.passes(assembly, count(expected, expected, expected))
    assert not quorum.has_quorum(assembly, count(expected, 0, 0))
    if expected == 2:
        assert not quorum.has_quorum(assembly, count(2, 1, 1))
    if expected == 3:
        assert quorum.has_quorum(assembly, count(3, 2, 2)) and quorum.passes(assembly, count(3, 2, 2))
        assert not quorum.passes(assembly, count(3, 2, 1, 1))  # 1 of 2 present, or of 3 who should attend


def test_a_rejection_stands_only_from_a_meeting_with_its_quorum_that_did_not_pass_it():
    quorum.check_rejected(Assembly.REPRESENTATIVES, count(35, 30, 11, 16, 3))
    quorum.check_rejected(Assembly.REPRESENTATIVES, count(30, 20, 10, 10))  # a tie is not a majority
    with pytest.raises(quorum.QuorumError) as passed:
        quorum.check_rejected(Assembly.REPRESENTATIVES, count(30, 20, 11, 9))
    assert passed.value.field == "votes_for" and "11" in passed.value.message
    with pytest.raises(quorum.QuorumError) as no_quorum:
        quorum.check_rejected(Assembly.REPRESENTATIVES, count(30, 19, 0, 19))
    assert no_quorum.value.field == "present"


@pytest.mark.parametrize("figures, field", [
    ((0, 0, 0, 0, 0), "expected"),
    ((10, 11, 6, 0, 0), "present"),
    ((10, 8, 5, 2, 2), "votes_for"),  # nine votes from eight present
    ((10, 8, -1, 0, 0), "votes_for"),
    ((10, 8, 5, 0, -1), "abstain"),
    ((10, True, 5, 0, 0), "present"),
    ((10, 8, 5.0, 0, 0), "votes_for"),
])
def test_counts_that_cannot_stand(figures, field):
    with pytest.raises(quorum.QuorumError) as refused:
        quorum.check_count(Count(*figures))
    assert refused.value.field == field


@given(expected=st.integers(1, 2000), data=st.data())
def test_the_rules_agree_with_the_fractions(expected, data):
    """Against the law's words in exact arithmetic: present > expected / 2, present >= expected * 2 / 3,
    for > base / 2."""
    present = data.draw(st.integers(0, expected))
    votes_for = data.draw(st.integers(0, present))
    c = count(expected, present, votes_for, present - votes_for)
    for assembly in HALF:
        assert quorum.has_quorum(assembly, c) == (2 * present > expected)
    for assembly in TWO_THIRDS:
        assert quorum.has_quorum(assembly, c) == (3 * present >= 2 * expected)
    for assembly, base in ((Assembly.VILLAGERS, present), (Assembly.PARTY_MEMBERS, expected)):
        assert quorum.passes(assembly, c) == (quorum.has_quorum(assembly, c) and 2 * votes_for > base)
