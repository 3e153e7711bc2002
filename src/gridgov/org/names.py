"""How an account reads to a person: a name and a post, never a username where a name is known.

One helper for every page that shows who did something or who handles something (dispatch lists,
supervision, rankings, the audit log, timelines), so the same account reads the same everywhere:
"陈伟明 · 网格员 · 碧塘村第1网格".

The name is the account's person's name, else the account's own name (first and last name: a
department's or an office's account has one), else its username. The post is the role's label; a
town administrator's account scoped to a county reads as the county's administrator, since that is
what it is (the label follows the scope). Lists load `LABEL_RELATED` with select_related so labelling
a page of accounts costs no query per row.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.scoping import TOWN_ADMIN

# What an account's label reads; `related("assignee")` gives the same through a foreign key.
LABEL_RELATED = ("person", "scope_region", "scope_grid")
SEPARATOR = " · "
# The actor of what no account did: the worker's sweeps, the demo loader, a command.
SYSTEM = gettext_lazy("gridgov (automatic)")
# What the actor fields store for "no account" (core.audit and the case timelines).
SYSTEM_CODE = "system"
# The worker's sweeps by what they do, for the steps only a sweep takes (cases.actions.mark_clocks,
# auto_escalate_overdue, auto_close_unrated).
SYSTEM_JOBS = {
    "overdue": gettext_lazy("gridgov (deadline check)"),
    "auto_escalate": gettext_lazy("gridgov (escalation of overdue cases)"),
    "auto_rate": gettext_lazy("gridgov (automatic rating)"),
}


def related(prefix: str = "") -> list[str]:
    """The select_related() paths a label needs, for an account reached through `prefix`."""
    return [f"{prefix}__{name}" if prefix else name for name in LABEL_RELATED]


def display_name(user) -> str:
    """The name of the person behind an account: person, else the account's name, else its username."""
    if user is None:
        return str(SYSTEM)
    if getattr(user, "person_id", None):
        return user.person.name
    return user.get_full_name() or user.username


def _scope(user):
    # Only follow a foreign key that is set: an unset one costs no query, a set one is select_related.
    if user.scope_grid_id:
        return user.scope_grid
    if user.scope_region_id:
        return user.scope_region
    return None


def post_label(user) -> str:
    """The account's post: its role, or the county's administrator for a town role scoped to a county."""
    from .models import Region

    if user is None:
        return ""
    if user.is_superuser:
        return _("Superuser")
    if user.role == TOWN_ADMIN and user.scope_region_id and user.scope_region.level == Region.Level.COUNTY:
        return _("County administrator")
    return str(user.get_role_display()) if user.role else ""


def label(user) -> str:
    """Name, post and the node the post is in: "陈伟明 · 网格员 · 碧塘村第1网格". The node is left
    out when the name already says it ("碧塘村书记 · 村（社区）书记") and for a superuser, whose
    reach is everything."""
    if user is None:
        return str(SYSTEM)
    name = display_name(user)
    parts = [name, post_label(user)]
    node = None if user.is_superuser else _scope(user)
    if node is not None and node.name not in name:
        parts.append(node.name)
    return SEPARATOR.join(part for part in parts if part)


def actor_label(actor_name: str, actor=None, job: str = "") -> str:
    """An actor as stored with a record (an audit row, a timeline event): the account's label when
    the account is at hand, the system's name for the system (the sweep's, when `job` names one of
    SYSTEM_JOBS), else the stored name (an Open311 client, an account since deleted)."""
    if actor is not None:
        return label(actor)
    if not actor_name or actor_name == SYSTEM_CODE:
        return str(SYSTEM_JOBS.get(job, SYSTEM))
    return actor_name
