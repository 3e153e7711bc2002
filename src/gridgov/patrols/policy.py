"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions).

Kinds: patrol (patrols, their check-ins, notes and visits; the compliance board), patrol_rule (a town's
rule). Own action: "patrol" (start and record patrols, grid workers only). Village staff see their
village's patrols, town staff all of the town's and set its rule, grid workers the patrols of their
grids; residents, party members and departments nothing.
"""

from gridgov.core.scoping import (
    CHANGE,
    EXPORT,
    GRID_WORKER,
    SUBTREE,
    TOWN_ADMIN,
    VIEW,
    VILLAGE_SECRETARY,
)

PATROL = "patrol"

POLICY: dict = {
    TOWN_ADMIN: {
        "patrol": (SUBTREE, {VIEW, EXPORT}),
        "patrol_rule": (SUBTREE, {VIEW, CHANGE}),
    },
    VILLAGE_SECRETARY: {
        "patrol": (SUBTREE, {VIEW, EXPORT}),
    },
    GRID_WORKER: {
        "patrol": (SUBTREE, {VIEW, PATROL}),
    },
}
