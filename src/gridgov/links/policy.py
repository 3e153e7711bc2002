"""This app's rows of the access policy (gridgov.core.scoping.POLICY).

Kinds: link (links, the town's link settings, coverage lists) and link_contact (contacts).
Village staff manage the links of their village (CHANGE, IMPORT), town staff all of their town's;
grid workers read; a party member reads their own links and logs contacts (CHANGE on link_contact,
only for households linked to them: actions check it); a resident reads their household's link.
"""

from gridgov.core.scoping import (CHANGE, EXPORT, GRID_WORKER, IMPORT, OWN, PARTY_MEMBER, RESIDENT, SUBTREE,
                                  TOWN_ADMIN, VIEW, VILLAGE_SECRETARY)

POLICY: dict = {
    TOWN_ADMIN: {"link": (SUBTREE, {VIEW, CHANGE, EXPORT, IMPORT}), "link_contact": (SUBTREE, {VIEW, EXPORT})},
    VILLAGE_SECRETARY: {"link": (SUBTREE, {VIEW, CHANGE, EXPORT, IMPORT}), "link_contact": (SUBTREE, {VIEW, EXPORT})},
    GRID_WORKER: {"link": (SUBTREE, {VIEW}), "link_contact": (SUBTREE, {VIEW})},
    PARTY_MEMBER: {"link": (OWN, {VIEW}), "link_contact": (OWN, {VIEW, CHANGE})},
    RESIDENT: {"link": (OWN, {VIEW})},
}
