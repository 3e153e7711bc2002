"""This app's rows of the access policy (gridgov.core.scoping.POLICY).

Kinds: service_item (the town's catalogue and its hall's appointment slots: the town keeps them) and
service_application (applications and bookings). Own action "apply_for": a grid worker is the village
agent (代办员) and applies for the people under their grid (a role check, no flag on the account).
Village staff handle the applications of their village, town staff and departments those of the town;
residents and party members see their own. The auditor has no row here: it reads the audit log of
these writes like every other (gridgov.core.scoping), nothing else.
"""

from gridgov.core.scoping import (
                                  CHANGE,
                                  DEPARTMENT,
                                  EXPORT,
                                  GRID_WORKER,
                                  IMPORT,
                                  OWN,
                                  PARTY_MEMBER,
                                  RESIDENT,
                                  SUBTREE,
                                  TOWN_ADMIN,
                                  VIEW,
                                  VILLAGE_SECRETARY,
)

APPLY_FOR = "apply_for"

POLICY: dict = {
    TOWN_ADMIN: {"service_item": (SUBTREE, {VIEW, CHANGE, EXPORT, IMPORT}),
                 "service_application": (SUBTREE, {VIEW, CHANGE, EXPORT})},
    VILLAGE_SECRETARY: {"service_application": (SUBTREE, {VIEW, CHANGE, EXPORT})},
    DEPARTMENT: {"service_application": (SUBTREE, {VIEW, CHANGE})},
    GRID_WORKER: {"service_application": (SUBTREE, {VIEW, APPLY_FOR})},
    PARTY_MEMBER: {"service_item": (OWN, {VIEW}), "service_application": (OWN, {VIEW})},
    RESIDENT: {"service_item": (OWN, {VIEW}), "service_application": (OWN, {VIEW})},
}
