"""Quorum and majority of each deliberation of 四议两公开, in whole numbers (no rounding anywhere).

The deciding meeting follows 村民委员会组织法 (2018):
- §22 a villagers' meeting is held with more than half (过半数) of the villagers aged 18 and over, or
  with the representatives of two thirds or more (三分之二以上) of the households;
- §26 a villager representatives' meeting is held with two thirds or more of its members;
- §22, §26 a decision needs more than half of those present.
"以上" includes the number itself (民法典 §1259): exactly two thirds is enough; "过半数" is more than
half: exactly half is not. Abstentions count as present and not as for.

The party steps follow 中国共产党支部工作条例（试行）(2018) §15 and §17: the branch committee and the general
meeting are held with more than half of those who should attend, and pass with more than half of those
who should attend voting for. The two committees (两委联席会议) follow the village's own rules in
practice; here: held with more than half of their members, passed by more than half of those present.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Assembly

HALF_PRESENT = "half_present"  # more than half of `expected` present
TWO_THIRDS_PRESENT = "two_thirds_present"  # two thirds or more of `expected` present
OF_PRESENT = "of_present"  # for > half of those present
OF_EXPECTED = "of_expected"  # for > half of those who should attend

RULES = {
    Assembly.BRANCH_COMMITTEE: (HALF_PRESENT, OF_EXPECTED),
    Assembly.TWO_COMMITTEES: (HALF_PRESENT, OF_PRESENT),
    Assembly.PARTY_MEMBERS: (HALF_PRESENT, OF_EXPECTED),
    Assembly.VILLAGERS: (HALF_PRESENT, OF_PRESENT),
    Assembly.HOUSEHOLDS: (TWO_THIRDS_PRESENT, OF_PRESENT),
    Assembly.REPRESENTATIVES: (TWO_THIRDS_PRESENT, OF_PRESENT),
}


@dataclass(frozen=True)
class Count:
    expected: int
    present: int
    votes_for: int
    votes_against: int
    abstain: int


class QuorumError(ValueError):
    """A count that cannot stand, or a meeting without its quorum or a decision without its majority; the
    message gives the figures. `field` names the input at fault."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def check_count(count: Count) -> None:
    """The figures are whole numbers that fit together (nobody votes twice, nobody attends unexpected)."""
    for field in ("expected", "present", "votes_for", "votes_against", "abstain"):
        value = getattr(count, field)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise QuorumError(_("Give a whole number, 0 or more."), field)
    if count.expected == 0:
        raise QuorumError(_("At least one person should attend."), "expected")
    if count.present > count.expected:
        raise QuorumError(_("%(present)d attended, but only %(expected)d should attend.")
                          % {"present": count.present, "expected": count.expected}, "present")
    votes = count.votes_for + count.votes_against + count.abstain
    if votes > count.present:
        raise QuorumError(_("%(votes)d votes (for, against and abstaining) from %(present)d present.")
                          % {"votes": votes, "present": count.present}, "votes_for")


def quorum_needed(assembly: str, expected: int) -> int:
    """The fewest present that hold the meeting."""
    rule = RULES[assembly][0]
    if rule == TWO_THIRDS_PRESENT:
        return -(-2 * expected // 3)  # ceil(2n/3): present * 3 >= expected * 2
    return expected // 2 + 1  # more than half


def majority_needed(assembly: str, count: Count) -> int:
    """The fewest votes for that pass it."""
    base = count.expected if RULES[assembly][1] == OF_EXPECTED else count.present
    return base // 2 + 1


def has_quorum(assembly: str, count: Count) -> bool:
    return count.present >= quorum_needed(assembly, count.expected)


def passes(assembly: str, count: Count) -> bool:
    return has_quorum(assembly, count) and count.votes_for >= majority_needed(assembly, count)


def check_quorum(assembly: str, count: Count) -> None:
    """Refuses a meeting without its quorum, naming the figures."""
    check_count(count)
    need = quorum_needed(assembly, count.expected)
    if count.present < need:
        raise QuorumError(
            _("No quorum: %(present)d of %(expected)d attended; the %(assembly)s needs at least %(need)d.")
            % {"present": count.present, "expected": count.expected, "need": need,
               "assembly": Assembly(assembly).label}, "present")


def check_passed(assembly: str, count: Count) -> None:
    """Refuses a decision recorded as passed without its majority, naming the figures."""
    check_quorum(assembly, count)
    need = majority_needed(assembly, count)
    if count.votes_for < need:
        base = count.expected if RULES[assembly][1] == OF_EXPECTED else count.present
        raise QuorumError(
            _("No majority: %(for)d for, %(against)d against, %(abstain)d abstaining of %(base)d; "
              "it needs at least %(need)d for.")
            % {"for": count.votes_for, "against": count.votes_against, "abstain": count.abstain, "base": base,
               "need": need}, "votes_for")


def check_rejected(assembly: str, count: Count) -> None:
    """A rejection stands only from a meeting with its quorum whose votes did not pass it."""
    check_quorum(assembly, count)
    if count.votes_for >= majority_needed(assembly, count):
        raise QuorumError(
            _("%(for)d for is a majority (at least %(need)d): the matter passed, it was not rejected.")
            % {"for": count.votes_for, "need": majority_needed(assembly, count)}, "votes_for")
