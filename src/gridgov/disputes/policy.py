"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions).

Kinds: dispute (disputes, their parties, sessions, outcome and follow-up visits; weekly screenings and
monthly summaries), dispute_rule (a town's 13710 steps). Village staff handle their village's disputes
and file its weekly screenings; town staff see and handle every village of the town and set the rule.
A mediator sees and acts on the disputes they mediate whatever their role (queries.visible adds them;
it is a link to an account, which POLICY cannot express). Grid workers, party members, residents and
departments see nothing of disputes unless they mediate one: dispute details are sensitive and stay with
the village's staff, the mediator and the town. The auditor has no row here (it reads the audit log of
every dispute write, and the summaries' figures, which name nobody: see queries.may_read_summary).
"""

from gridgov.core.scoping import (
    CHANGE,
    EXPORT,
    SUBTREE,
    TOWN_ADMIN,
    VIEW,
    VIEW_PERSONAL,
    VILLAGE_SECRETARY,
)

POLICY: dict = {
    TOWN_ADMIN: {
        "dispute": (SUBTREE, {VIEW, CHANGE, EXPORT, VIEW_PERSONAL}),
        "dispute_rule": (SUBTREE, {VIEW, CHANGE}),
    },
    VILLAGE_SECRETARY: {
        "dispute": (SUBTREE, {VIEW, CHANGE, EXPORT, VIEW_PERSONAL}),
    },
}
