"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions).

Kinds: affairs_matter (matters and their steps and files), affairs_disclosure (board items and their
files), affairs_question (questions and answers), affairs_rule (a town's settings, rules, schedules and
board links). Own actions: "record" — village staff open matters, record their steps, publish items and
answer questions for their village; "ask" — a grid worker asks for a resident of their grids; "oversee"
— a supervision committee member (org Post "supervisor" on the village, whatever their account's role)
comments on and checks the village's matters and items (affairs.actions checks the post).
Residents and party members read their village's public items and their own questions (the models'
own_q); departments, auditors and outsiders nothing.
"""

from gridgov.core.scoping import (
    CHANGE,
    EXPORT,
    GRID_WORKER,
    OWN,
    PARTY_MEMBER,
    RESIDENT,
    SUBTREE,
    TOWN_ADMIN,
    VIEW,
    VILLAGE_SECRETARY,
)

RECORD = "record"
ASK = "ask"
OVERSEE = "oversee"

_PERSON = {
    "affairs_matter": (OWN, {VIEW, OVERSEE}),
    "affairs_disclosure": (OWN, {VIEW, ASK, OVERSEE}),
    "affairs_question": (OWN, {VIEW, ASK}),
}

POLICY: dict = {
    TOWN_ADMIN: {
        "affairs_matter": (SUBTREE, {VIEW, EXPORT}),
        "affairs_disclosure": (SUBTREE, {VIEW, EXPORT}),
        "affairs_question": (SUBTREE, {VIEW}),
        "affairs_rule": (SUBTREE, {VIEW, CHANGE}),
    },
    VILLAGE_SECRETARY: {
        "affairs_matter": (SUBTREE, {VIEW, EXPORT, RECORD}),
        "affairs_disclosure": (SUBTREE, {VIEW, EXPORT, RECORD}),
        "affairs_question": (SUBTREE, {VIEW, RECORD}),
        "affairs_rule": (SUBTREE, {VIEW}),
    },
    GRID_WORKER: {
        "affairs_question": (SUBTREE, {VIEW, ASK}),
    },
    PARTY_MEMBER: _PERSON,
    RESIDENT: _PERSON,
}
