"""The case workflow: one table of every action, the states it may start from, the state it leads to,
and who may take it. actions.py checks every change against TRANSITIONS; nothing else decides.

Who (roles on one case; a user may hold several):
  reporter     the person who reported it (or, with no person, the account that entered it)
  assessor     staff of the case's current level whose scope covers the case:
                 grid: grid worker, village secretary, town admin;  village: village secretary, town admin;
                 town: town admin;  department: town admin, department staff
  staff        grid worker, village secretary or town admin whose scope covers the case (any level)
  supervisor   staff above the current level: town admin, or the village secretary of a grid-level case
  handler      the assignee, or a member of the unit the case is dispatched to
  pool_member  a party member living in the case's village, while the case is in the order pool
  viewer       anyone who may see the case (core.scoping.restrict "view")
A superuser counts as assessor, staff, supervisor and viewer. The worker process acts as the
system (actor None) and is not checked against `who`.

`verify` with passed=false follows the `reopen` row (返工: back to in progress, rework counted).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gridgov.core.scoping import (
    DEPARTMENT, GRID_WORKER, PARTY_MEMBER, SUBTREE, TOWN_ADMIN, VIEW, VILLAGE_SECRETARY, permits, reach,
)

from .models import LEVEL_ORDER, OPEN_STATES, Case, Level, State, village_path

REPORTER = "reporter"
ASSESSOR = "assessor"
STAFF = "staff"
SUPERVISOR = "supervisor"
HANDLER = "handler"
POOL_MEMBER = "pool_member"
VIEWER = "viewer"

R, A, D, P, S, V = State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.SUSPENDED, State.RESOLVED
ALL_STATES = frozenset(State.values)
OPEN = frozenset(OPEN_STATES)


@dataclass(frozen=True)
class Transition:
    sources: frozenset  # states the action may start from
    target: str | None  # the state it leads to; None: the state does not change
    who: tuple[str, ...]  # any one of these roles may take it


T = Transition
TRANSITIONS: dict[str, Transition] = {
    # assess (分析研判)
    "accept":             T(frozenset({R}), A, (ASSESSOR,)),
    "reject":             T(frozenset({R}), State.REJECTED, (ASSESSOR,)),
    "merge":              T(frozenset({R}), State.MERGED, (ASSESSOR,)),
    "escalate":           T(frozenset({R, A, D, P}), R, (ASSESSOR,)),
    # dispatch (分派流转)
    "dispatch":           T(frozenset({A}), D, (ASSESSOR,)),
    "publish":            T(frozenset({A}), D, (ASSESSOR,)),
    "transfer":           T(frozenset({D, P}), D, (ASSESSOR,)),
    # handle (事件处置)
    "claim":              T(frozenset({D}), P, (HANDLER, POOL_MEMBER)),
    "return":             T(frozenset({D, P}), A, (HANDLER,)),
    "extend":             T(frozenset({D, P, S}), None, (HANDLER,)),
    "approve_extension":  T(frozenset({D, P, S}), None, (ASSESSOR, SUPERVISOR)),
    "suspend":            T(frozenset({P}), S, (HANDLER, ASSESSOR)),
    "resume":             T(frozenset({S}), P, (HANDLER, ASSESSOR)),
    "resolve":            T(frozenset({P}), V, (HANDLER,)),
    # follow up (跟踪反馈)
    "verify":             T(frozenset({V}), State.CLOSED, (STAFF, REPORTER)),
    "reopen":             T(frozenset({V}), P, (STAFF, REPORTER)),
    "rate":               T(frozenset({State.CLOSED}), None, (REPORTER,)),
    # supervise (督查考核) and the record
    "supervise":          T(OPEN, None, (STAFF,)),
    "answer_supervision": T(OPEN, None, (HANDLER, ASSESSOR)),
    "add_photo":          T(OPEN, None, (REPORTER, HANDLER, STAFF)),
    "comment":            T(ALL_STATES, None, (VIEWER,)),
}
ACTIONS = list(TRANSITIONS)

ACTION_LABELS = {
    "report": _("report"),
    "accept": _("accept"),
    "reject": _("reject"),
    "merge": _("merge"),
    "escalate": _("escalate"),
    "dispatch": _("dispatch"),
    "publish": _("publish to the order pool"),
    "transfer": _("transfer"),
    "claim": _("claim"),
    "return": _("return"),
    "extend": _("request an extension"),
    "approve_extension": _("decide on an extension"),
    "suspend": _("suspend"),
    "resume": _("resume"),
    "resolve": _("resolve"),
    "verify": _("verify"),
    "reopen": _("reopen for rework"),
    "rate": _("rate"),
    "supervise": _("supervise"),
    "answer_supervision": _("answer a supervision order"),
    "add_photo": _("add a photo"),
    "comment": _("comment"),
    "auto_rate": _("rate automatically"),
    "merged_in": _("take in a merged case"),
}

# Which roles assess at each level (see the module docstring).
ASSESSORS_AT = {
    Level.GRID: frozenset({GRID_WORKER, VILLAGE_SECRETARY, TOWN_ADMIN}),
    Level.VILLAGE: frozenset({VILLAGE_SECRETARY, TOWN_ADMIN}),
    Level.TOWN: frozenset({TOWN_ADMIN}),
    Level.DEPARTMENT: frozenset({TOWN_ADMIN, DEPARTMENT}),
}
STAFF_ROLES = frozenset({GRID_WORKER, VILLAGE_SECRETARY, TOWN_ADMIN})


def next_level(level: str) -> str | None:
    i = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


class CaseError(Exception):
    """A refused action, with a message for people and the HTTP status the API answers with:
    409 for a wrong state or actor, 404 when the case is out of the actor's scope, 400 for bad input;
    `field`, when the input of one field was wrong, names it for the API's 422."""

    def __init__(self, message, status: int = 409, field: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.field = field


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _covers(user, case) -> bool:
    return bool(user.scope_path) and case.path.startswith(user.scope_path)


def is_unit_member(user, unit_id) -> bool:
    from .models import Unit

    return bool(unit_id) and Unit.members.through.objects.filter(unit_id=unit_id, user_id=user.pk).exists()


def holds(role: str, user, case) -> bool:
    """Whether `user` holds `role` on `case` (the predicates of the `who` column)."""
    if not _active(user):
        return False
    superuser = user.is_superuser
    if role == REPORTER:
        if case.reporter_id:
            return user.person_id == case.reporter_id
        return case.reporter_user_id is not None and case.reporter_user_id == user.pk
    if role == ASSESSOR:
        return superuser or (user.role in ASSESSORS_AT[case.level] and _covers(user, case))
    if role == STAFF:
        return superuser or (user.role in STAFF_ROLES and _covers(user, case))
    if role == SUPERVISOR:
        if superuser:
            return True
        above = user.role == TOWN_ADMIN or (user.role == VILLAGE_SECRETARY and case.level == Level.GRID)
        return above and _covers(user, case)
    if role == HANDLER:
        if case.assignee_id is not None and case.assignee_id == user.pk:
            return True
        return is_unit_member(user, case.unit_id)
    if role == POOL_MEMBER:
        return (case.in_pool and user.role == PARTY_MEMBER
                and user.scope_path.startswith(village_path(case.path)))
    if role == VIEWER:
        # A subtree's reach is its path prefix: decided on the loaded path, as restrict() would, with no
        # query (every report's answer asks this of its reporter); anything else asks the database.
        if (superuser or (user.scope_path and reach(user, VIEW, Case.scope_kind) == SUBTREE
                          and case.path.startswith(user.scope_path))) and not case._state.adding:
            return True
        return permits(user, VIEW, case)
    raise ValueError(role)


def roles_of(user, case) -> set[str]:
    return {role for role in (REPORTER, ASSESSOR, STAFF, SUPERVISOR, HANDLER, POOL_MEMBER, VIEWER)
            if holds(role, user, case)}


def _rateable(case) -> bool:
    # An automatic rating (after N days unrated) may still be replaced by the reporter's own.
    return not case.rating or case.rating_auto


# Actions that need something besides the state and the actor's role: (holds for the case, why not).
# They read fields the actions keep on the case, so a list of buttons costs no query.
PRECONDITIONS = {
    "rate": (_rateable, _("This case has been rated already.")),
    "approve_extension": (lambda case: case.extension_pending, _("No extension request for this case is waiting for a decision.")),
    "answer_supervision": (lambda case: case.open_supervisions > 0, _("No supervision order on this case is waiting for an answer.")),
}


def check(action: str, actor, case) -> Transition:
    """The transition if `actor` may take `action` on `case` now, else CaseError (409) saying why."""
    transition = TRANSITIONS[action]
    label = ACTION_LABELS[action]
    if case.state not in transition.sources:
        raise CaseError(_("A case that is %(state)s cannot be given the action “%(action)s”.")
                        % {"state": State(case.state).label.lower(), "action": label})
    if actor is not None and not any(holds(role, actor, case) for role in transition.who):
        raise CaseError(_("You may not %(action)s this case.") % {"action": label})
    if action in PRECONDITIONS and not PRECONDITIONS[action][0](case):
        raise CaseError(PRECONDITIONS[action][1])
    return transition


def allowed_actions(user, case) -> list[str]:
    """The actions `user` may take on `case` now (for buttons); the same rules as check()."""
    held: dict[str, bool] = {}

    def has(role):
        if role not in held:
            held[role] = holds(role, user, case)
        return held[role]

    return [name for name, t in TRANSITIONS.items()
            if case.state in t.sources and any(has(role) for role in t.who)
            and (name not in PRECONDITIONS or PRECONDITIONS[name][0](case))]

