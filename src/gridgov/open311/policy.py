"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions).

Town administrators see and issue (CHANGE: issue and revoke) the Open311 API keys of their town. Keys
issued on the command line for every town have no path and are managed there only.
"""

from gridgov.core.scoping import CHANGE, SUBTREE, TOWN_ADMIN, VIEW

POLICY: dict = {
    TOWN_ADMIN: {"open311_key": (SUBTREE, frozenset({VIEW, CHANGE}))},
}
