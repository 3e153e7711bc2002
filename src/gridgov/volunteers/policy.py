"""This app's rows of the access policy (gridgov.core.scoping.POLICY).

Kinds: volunteer_team (teams), volunteer (registrations and team memberships), volunteer_activity
(activities), volunteer_signup (sign-ups and attendance). Village staff keep the teams and activities of
their village, town staff those of the town (CHANGE: they organise); grid workers read the volunteers and
sign-ups of their grids. A resident or party member reads the teams of their village and town, the
activities open to them and their own registration and sign-ups; a team leader also reads the sign-ups of
their team's activities and organises them (actions check it). Auditors and departments: nothing here
(the audit log shows them every write).
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

STAFF = {VIEW, CHANGE, EXPORT}

POLICY: dict = {
    TOWN_ADMIN: {"volunteer_team": (SUBTREE, STAFF), "volunteer": (SUBTREE, STAFF),
                 "volunteer_activity": (SUBTREE, STAFF), "volunteer_signup": (SUBTREE, STAFF)},
    VILLAGE_SECRETARY: {"volunteer_team": (SUBTREE, STAFF), "volunteer": (SUBTREE, STAFF),
                        "volunteer_activity": (SUBTREE, STAFF), "volunteer_signup": (SUBTREE, STAFF)},
    GRID_WORKER: {"volunteer": (SUBTREE, {VIEW}), "volunteer_signup": (SUBTREE, {VIEW})},
    PARTY_MEMBER: {"volunteer_team": (OWN, {VIEW}), "volunteer": (OWN, {VIEW}),
                   "volunteer_activity": (OWN, {VIEW}), "volunteer_signup": (OWN, {VIEW})},
    RESIDENT: {"volunteer_team": (OWN, {VIEW}), "volunteer": (OWN, {VIEW}),
               "volunteer_activity": (OWN, {VIEW}), "volunteer_signup": (OWN, {VIEW})},
}
