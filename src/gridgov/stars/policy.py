"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions).

star_scheme: a town's scheme (path = the town's); star_assessment: a village's quarterly assessment and
its collective income figures (path = the village's). Town staff see and act on everything under their
node (a town administrator scoped to the county confirms); a village secretary sees and self-assesses
its own village. Who may take which step is decided in actions.py (TRANSITIONS and the role checks).
Published results are also visible town-wide and schemes to the people of their town: queries.py adds
that to what restrict() gives.
"""

from gridgov.core.scoping import (CHANGE, EXPORT, OWN, PARTY_MEMBER, RESIDENT, SUBTREE, TOWN_ADMIN, VIEW,
                                  VILLAGE_SECRETARY)

POLICY: dict = {
    TOWN_ADMIN: {
        "star_scheme": (SUBTREE, {VIEW, CHANGE}),
        "star_assessment": (SUBTREE, {VIEW, CHANGE, EXPORT}),
    },
    VILLAGE_SECRETARY: {
        "star_assessment": (SUBTREE, {VIEW, CHANGE}),
    },
    PARTY_MEMBER: {
        "star_assessment": (OWN, {VIEW}),
    },
    RESIDENT: {
        "star_assessment": (OWN, {VIEW}),
    },
}
