"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions).

Kind "task": tasks, their assignments, events and files, the monthly meetings and quarterly inspections.
Town staff see all of their town's, issue tasks, accept or return them, record meetings and score
inspections (CHANGE). Village secretaries see their own village's assignments and act on them (own
action "task_act"). Grid workers, party members, residents, departments and auditors see nothing of it
(the auditor reads every write of it in the audit log).
"""

from gridgov.core.scoping import (
    CHANGE,
    EXPORT,
    SUBTREE,
    TOWN_ADMIN,
    VIEW,
    VILLAGE_SECRETARY,
)

TASK = "task"
ACT = "task_act"

POLICY: dict = {
    TOWN_ADMIN: {
        TASK: (SUBTREE, {VIEW, EXPORT, CHANGE}),
    },
    VILLAGE_SECRETARY: {
        TASK: (SUBTREE, {VIEW, ACT}),
    },
}
