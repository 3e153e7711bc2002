"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions).

Kinds: meeting (meetings, their attendance and photos, the compliance board and report), meeting_rule
(a town's rules and settings). Own action "record": a branch secretary records the meetings of their
village's organisations (the branch and its grid party groups). Town staff see all of the town's and
set its rules; party members read the meetings they were counted at (Meeting.own_q); residents,
grid workers, departments and auditors nothing (the auditor reads these writes in the audit log).
"""

from gridgov.core.scoping import (
    CHANGE,
    EXPORT,
    OWN,
    PARTY_MEMBER,
    SUBTREE,
    TOWN_ADMIN,
    VIEW,
    VILLAGE_SECRETARY,
)

RECORD = "record"

POLICY: dict = {
    TOWN_ADMIN: {
        "meeting": (SUBTREE, {VIEW, EXPORT}),
        "meeting_rule": (SUBTREE, {VIEW, CHANGE}),
    },
    VILLAGE_SECRETARY: {
        "meeting": (SUBTREE, {VIEW, EXPORT, RECORD}),
        "meeting_rule": (SUBTREE, {VIEW}),
    },
    PARTY_MEMBER: {
        "meeting": (OWN, {VIEW}),
    },
}
