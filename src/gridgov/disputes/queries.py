"""Reads of disputes that pages, the API and the five-star metrics share. Every read of dispute rows
goes through `visible(user)`: the scope of POLICY (village and town staff) plus the disputes the user
mediates; everyone else gets nothing, and a dispute out of reach answers 404 like a missing one."""

from __future__ import annotations

from django.db.models import Q

from gridgov.core.scoping import AUDITOR, CHANGE, SUBTREE, VIEW, reach

from .models import Dispute, DisputeRule, FollowUp


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def visible(user, queryset=None):
    """The disputes the user may see: under their node (village or town staff), or mediated by them."""
    rows = queryset if queryset is not None else Dispute.objects.all()
    if not _active(user):
        return rows.none()
    if user.is_superuser:
        return rows
    q = Q(mediator_id=user.pk)
    if reach(user, VIEW, Dispute.scope_kind) == SUBTREE and user.scope_path:
        q |= Q(path__startswith=user.scope_path)
    return rows.filter(q)


def manages(user, path: str) -> bool:
    """Village or town staff over `path` (a village's path): they register and handle its disputes."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return (reach(user, CHANGE, Dispute.scope_kind) == SUBTREE and bool(user.scope_path)
            and path.startswith(user.scope_path))


def may_read_summary(user, path: str) -> bool:
    """Staff over `path`, or an auditor over it (figures only, no names: the auditor changes nothing)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if not user.scope_path or not path.startswith(user.scope_path):
        return False
    return reach(user, VIEW, Dispute.scope_kind) == SUBTREE or user.role == AUDITOR


def town_path(path: str) -> str:
    parts = [p for p in (path or "").split(".") if p]
    return ".".join(parts[:2]) + "." if len(parts) >= 2 else ""


def rule_for(path: str) -> DisputeRule:
    """The rule of the town holding `path`; the defaults (unsaved) where the town set none."""
    row = DisputeRule.objects.filter(path=town_path(path)).first() if path else None
    return row if row is not None else DisputeRule(path=town_path(path))


def followups_visible(user):
    return FollowUp.objects.filter(dispute__in=visible(user).values("pk"))
