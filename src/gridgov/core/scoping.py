"""What each role may see and do, enforced in one place: restrict(user, action, queryset).

Every page, API call and export obtains its rows through restrict(); a view that queries a scoped
model without it is a bug the permission tests exist to catch.

Scope is a node of the org tree. A user's `scope_path` is that node's materialised path (see
org.models): "everything under the node" is one indexed prefix filter on every scoped table.
"""

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

# Roles, their labels and the kinds of node they are scoped to.
TOWN_ADMIN = "town_admin"
VILLAGE_SECRETARY = "village_secretary"
GRID_WORKER = "grid_worker"
PARTY_MEMBER = "party_member"
RESIDENT = "resident"
DEPARTMENT = "department"
# Separation of duties (issue 17): reads the audit log of its scope and exports it, and nothing else —
# no record, no case, no write anywhere (it has no other kind in POLICY, and no app's policy.py gives it one).
AUDITOR = "auditor"

ROLE_CHOICES = [
    (TOWN_ADMIN, _("Town administrator")),
    (VILLAGE_SECRETARY, _("Village secretary")),
    (GRID_WORKER, _("Grid worker")),
    (PARTY_MEMBER, _("Party member")),
    (RESIDENT, _("Resident")),
    (DEPARTMENT, _("Department")),
    (AUDITOR, _("Auditor")),
]
ROLES = [code for code, _label in ROLE_CHOICES]
# Roles whose account stands for one person of the registry; their reach is that person.
PERSONAL_ROLES = {PARTY_MEMBER, RESIDENT}

VIEW = "view"
CHANGE = "change"
EXPORT = "export"
IMPORT = "import"
VIEW_PERSONAL = "view_personal"  # see an ID number or phone in full (each view is audited)
AUDIT = "audit"  # browse the audit log

SUBTREE = "subtree"  # objects under the user's scope node
OWN = "own"  # objects tied to the user's own person (self, household, grid)

_STAFF_RECORDS = {VIEW, CHANGE, EXPORT, VIEW_PERSONAL}

# role -> object kind -> (reach, actions). Absent means nothing.
# Cases (gridgov.cases): staff see the cases under their node and reporters' phones in full (audited);
# departments see their town's cases; residents and party members their own (Case.own_q). Which
# transitions each may take is the workflow table's business (cases/workflow.py). "case_config" is
# the category tree, handling units and working calendar.
POLICY: dict[str, dict[str, tuple[str, frozenset]]] = {
    TOWN_ADMIN: {
        "region": (SUBTREE, frozenset({VIEW, CHANGE, EXPORT, IMPORT})),
        "grid": (SUBTREE, frozenset({VIEW, CHANGE, EXPORT, IMPORT})),
        "household": (SUBTREE, frozenset(_STAFF_RECORDS | {IMPORT})),
        "person": (SUBTREE, frozenset(_STAFF_RECORDS | {IMPORT})),
        "party_org": (SUBTREE, frozenset({VIEW, CHANGE, EXPORT})),
        "post": (SUBTREE, frozenset({VIEW, CHANGE, EXPORT})),
        "audit": (SUBTREE, frozenset({VIEW, EXPORT})),
        "user": (SUBTREE, frozenset({VIEW, CHANGE})),
        "case": (SUBTREE, frozenset({VIEW, EXPORT, VIEW_PERSONAL})),
        "unit": (SUBTREE, frozenset({VIEW, CHANGE})),
        "case_config": (SUBTREE, frozenset({VIEW, CHANGE})),
    },
    VILLAGE_SECRETARY: {
        "region": (SUBTREE, frozenset({VIEW, EXPORT})),
        "grid": (SUBTREE, frozenset({VIEW, EXPORT})),
        "household": (SUBTREE, frozenset(_STAFF_RECORDS)),
        "person": (SUBTREE, frozenset(_STAFF_RECORDS)),
        "party_org": (SUBTREE, frozenset({VIEW, EXPORT})),
        "post": (SUBTREE, frozenset({VIEW, EXPORT})),
        "case": (SUBTREE, frozenset({VIEW, EXPORT, VIEW_PERSONAL})),
        "unit": (SUBTREE, frozenset({VIEW})),
    },
    GRID_WORKER: {
        "grid": (SUBTREE, frozenset({VIEW, EXPORT})),
        "household": (SUBTREE, frozenset(_STAFF_RECORDS)),
        "person": (SUBTREE, frozenset(_STAFF_RECORDS)),
        "party_org": (SUBTREE, frozenset({VIEW})),
        "post": (SUBTREE, frozenset({VIEW})),
        "case": (SUBTREE, frozenset({VIEW, EXPORT, VIEW_PERSONAL})),
    },
    DEPARTMENT: {
        "region": (SUBTREE, frozenset({VIEW})),
        "grid": (SUBTREE, frozenset({VIEW})),
        "party_org": (SUBTREE, frozenset({VIEW})),
        "case": (SUBTREE, frozenset({VIEW, EXPORT})),
        "unit": (SUBTREE, frozenset({VIEW})),
    },
    AUDITOR: {
        "audit": (SUBTREE, frozenset({VIEW, EXPORT})),
    },
    PARTY_MEMBER: {
        "grid": (OWN, frozenset({VIEW})),
        "household": (OWN, frozenset({VIEW})),
        "person": (OWN, frozenset({VIEW})),
        "case": (OWN, frozenset({VIEW})),
    },
    RESIDENT: {
        "grid": (OWN, frozenset({VIEW})),
        "household": (OWN, frozenset({VIEW})),
        "person": (OWN, frozenset({VIEW})),
        "case": (OWN, frozenset({VIEW})),
    },
}


def extend_policy(rules: dict[str, dict[str, tuple[str, frozenset]]]) -> None:
    """Add the object kinds of an app that builds on the foundation (points, stars, open311) to
    POLICY, from that app's `policy.py` when it is ready. A kind may be declared only once: two apps
    silently disagreeing about who sees what is the mistake this refuses."""
    for role, kinds in rules.items():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        table = POLICY.setdefault(role, {})
        for kind, rule in kinds.items():
            if kind in table and table[kind] != rule:
                raise ValueError(f"{role}/{kind} is declared twice")
            table[kind] = (rule[0], frozenset(rule[1]))


def _rule(user, kind: str, action: str) -> str | None:
    reach, actions = POLICY.get(getattr(user, "role", ""), {}).get(kind, (None, frozenset()))
    return reach if action in actions else None


def reach(user, action: str, kind: str) -> str | None:
    """SUBTREE, OWN or None: how far `action` on `kind` reaches for the user (for code that reads
    precomputed figures by node instead of querying rows through restrict)."""
    if not _active(user):
        return None
    if user.is_superuser:
        return SUBTREE
    return _rule(user, kind, action)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can(user, action: str, kind: str) -> bool:
    """Whether the user may do `action` on some objects of `kind` (for menus and buttons)."""
    if not _active(user):
        return False
    return user.is_superuser or _rule(user, kind, action) is not None


# Models that cannot declare scope attributes themselves (core.models sits below the org app).
_SCOPE_OF_LABEL = {"core.auditentry": ("audit", "path")}


def scope_of(model) -> tuple[str, str]:
    """(kind, path field) of a scoped model; a model that is not scoped is a programming error."""
    kind = getattr(model, "scope_kind", None)
    if kind:
        return kind, model.scope_path_field
    if model._meta.label_lower in _SCOPE_OF_LABEL:
        return _SCOPE_OF_LABEL[model._meta.label_lower]
    raise TypeError(f"{model._meta.label} is not a scoped model")


def restrict(user, action: str, queryset: QuerySet | type[Model]) -> QuerySet:
    """The part of `queryset` that `user` may `action`. Models declare `scope_kind`,
    `scope_path_field` and `own_q(person)`; everything else lives in POLICY above."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    kind, path_field = scope_of(queryset.model)
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    reach = _rule(user, kind, action)
    if reach == SUBTREE and user.scope_path:
        return queryset.filter(**{f"{path_field}__startswith": user.scope_path})
    own_q = getattr(queryset.model, "own_q", None)
    if reach == OWN and own_q is not None and getattr(user, "person_id", None):
        return queryset.filter(own_q(user.person))
    return queryset.none()


def permits(user, action: str, obj: Model) -> bool:
    return restrict(user, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()


class RestrictedQuerySet(QuerySet):
    def restrict(self, user, action: str = VIEW) -> QuerySet:
        return restrict(user, action, self)
