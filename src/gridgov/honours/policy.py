"""This app's rows of the access policy (gridgov.core.scoping.POLICY).

Kind: honour (honour kinds, campaigns, entries, their photos and objections). Town staff see all of
their town's and run the campaigns (publish, name, revoke); village staff see their village's and
review; grid workers see their grids' and nominate and inspect. Residents and party members see their
own household's entries (OWN) and, through actions.visible_entries, their village's public list.
Departments and the auditor see no honour records (the auditor reads their audit rows only).
Which step each role may take is the actions' business (actions.py).
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

POLICY: dict = {
    TOWN_ADMIN: {"honour": (SUBTREE, {VIEW, CHANGE, EXPORT})},
    VILLAGE_SECRETARY: {"honour": (SUBTREE, {VIEW, CHANGE, EXPORT})},
    GRID_WORKER: {"honour": (SUBTREE, {VIEW, CHANGE})},
    PARTY_MEMBER: {"honour": (OWN, {VIEW})},
    RESIDENT: {"honour": (OWN, {VIEW})},
}
