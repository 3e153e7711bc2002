"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions).

Kinds: points_account (accounts and their ledger entries), points_rule (rules and ranking boards),
points_claim (claims for points), points_shop (shops and products), points_order (shop orders).
Own actions: "award" (give points by hand under a rule), "review" (group-leader review of a claim),
"approve" (village approval of a claim), "claim" (file a claim), "redeem" (order from a shop),
"pickup" (confirm a pickup by code), "reverse" (undo a ledger entry with a reversing entry).
"""

from gridgov.core.scoping import (CHANGE, EXPORT, GRID_WORKER, OWN, PARTY_MEMBER, RESIDENT, SUBTREE, TOWN_ADMIN,
                                  VIEW, VILLAGE_SECRETARY)

AWARD, REVIEW, APPROVE, CLAIM = "award", "review", "approve", "claim"
REDEEM, PICKUP, REVERSE = "redeem", "pickup", "reverse"

_PERSONAL = {
    "points_account": (OWN, {VIEW, REDEEM, CLAIM}),
    "points_rule": (OWN, {VIEW}),
    "points_claim": (OWN, {VIEW, CLAIM}),
    "points_shop": (OWN, {VIEW}),
    "points_order": (OWN, {VIEW}),
}

POLICY: dict = {
    TOWN_ADMIN: {
        # REDEEM: a redemption at the counter for a resident without a login (代兑换).
        "points_account": (SUBTREE, {VIEW, EXPORT, AWARD, REVERSE, CLAIM, REDEEM}),
        "points_rule": (SUBTREE, {VIEW, CHANGE}),
        "points_claim": (SUBTREE, {VIEW, EXPORT, REVIEW, APPROVE, CLAIM}),
        "points_shop": (SUBTREE, {VIEW, CHANGE, PICKUP}),
        "points_order": (SUBTREE, {VIEW, EXPORT, PICKUP}),
    },
    VILLAGE_SECRETARY: {
        "points_account": (SUBTREE, {VIEW, EXPORT, AWARD, REVERSE, CLAIM, REDEEM}),
        "points_rule": (SUBTREE, {VIEW, CHANGE}),
        "points_claim": (SUBTREE, {VIEW, EXPORT, REVIEW, APPROVE, CLAIM}),
        "points_shop": (SUBTREE, {VIEW, CHANGE, PICKUP}),
        "points_order": (SUBTREE, {VIEW, EXPORT, PICKUP}),
    },
    GRID_WORKER: {
        "points_account": (SUBTREE, {VIEW, AWARD, CLAIM}),
        "points_rule": (SUBTREE, {VIEW}),
        "points_claim": (SUBTREE, {VIEW, REVIEW, CLAIM}),
    },
    PARTY_MEMBER: dict(_PERSONAL),
    RESIDENT: dict(_PERSONAL),
}
