"""Reads of disputes that pages, the API and the five-star metrics share. Every read of dispute rows
goes through `visible(user)`: the scope of POLICY (village and town staff) plus the disputes the user
mediates; everyone else gets nothing, and a dispute out of reach answers 404 like a missing one."""

from __future__ import annotations

from django.db.models import Q

from gridgov.core.scoping import AUDITOR, CHANGE, SUBTREE, VIEW, reach
from gridgov.org.paths import town_path

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


def rule_for(path: str) -> DisputeRule:
    """The rule of the town holding `path`; the defaults (unsaved) where the town set none."""
    row = DisputeRule.objects.filter(path=town_path(path)).first() if path else None
    return row if row is not None else DisputeRule(path=town_path(path))


def followups_visible(user):
    return FollowUp.objects.filter(dispute__in=visible(user).values("pk"))


# --- monthly summary (月汇总) -----------------------------------------------------------------------

SUMMARY_FIELDS = ("found", "mediated", "referred", "withdrawn", "open", "concluded_late", "weeks", "screenings",
                  "screenings_on_time", "zero_reports", "zero_reports_on_time", "followups_due", "followups_done")


def _bounds(first, last):
    import datetime

    from gridgov.cases import calendar

    tz = calendar.current().tz
    return (datetime.datetime.combine(first, datetime.time(0), tz),
            datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(0), tz))


def villages_under(path: str):
    from gridgov.cases.models import village_path
    from gridgov.org.models import Region

    path = village_path(path)
    return list(Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=path).order_by("code"))


def summary(villages: list, first, last) -> dict:
    """Per village, the month's figures: disputes found (reported in it), concluded in it by outcome, open at
    its end, concluded after the 13710 deadline; its ISO weeks (Thursday in the month), screenings filed,
    on time, zero reports (on time); follow-up visits due in it and done. And the total. Five queries
    whatever the number of villages."""
    from django.db.models import Count, F, Q

    from . import periods
    from .models import Screening

    start, end = _bounds(first, last)
    ids = [v.pk for v in villages]
    base = Dispute.objects.filter(village_id__in=ids)
    concluded = Q(conclude_at__gte=start, conclude_at__lt=end)
    disputes = {r["village_id"]: r for r in base.values("village_id").annotate(
        found=Count("id", filter=Q(reported_at__gte=start, reported_at__lt=end)),
        mediated=Count("id", filter=concluded & Q(state=Dispute.State.MEDIATED)),
        referred=Count("id", filter=concluded & Q(state=Dispute.State.REFERRED)),
        withdrawn=Count("id", filter=concluded & Q(state=Dispute.State.WITHDRAWN)),
        open=Count("id", filter=Q(reported_at__lt=end) & (Q(conclude_at__isnull=True) | Q(conclude_at__gte=end))),
        concluded_late=Count("id", filter=concluded & Q(conclude_at__gt=F("conclude_due"))),
    )}
    mondays = periods.weeks_between(first, last)
    screenings = {r["village_id"]: r for r in Screening.objects.filter(village_id__in=ids, week__in=mondays)
                  .values("village_id").annotate(
                      screenings=Count("id"), screenings_on_time=Count("id", filter=Q(on_time=True)),
                      zero_reports=Count("id", filter=Q(none=True)),
                      zero_reports_on_time=Count("id", filter=Q(none=True, on_time=True)))}
    visits = {r["dispute__village_id"]: r for r in FollowUp.objects.filter(
        dispute__village_id__in=ids, due__gte=first, due__lte=last).values("dispute__village_id").annotate(
        followups_due=Count("id"), followups_done=Count("id", filter=Q(done_at__isnull=False)))}
    rows = []
    for v in villages:
        row = {"village": v.code, "name": v.name, "weeks": len(mondays)}
        for source in (disputes.get(v.pk, {}), screenings.get(v.pk, {}), visits.get(v.pk, {})):
            row.update({k: source.get(k, 0) for k in SUMMARY_FIELDS if k in source})
        rows.append({**{k: 0 for k in SUMMARY_FIELDS}, **row})
    total = {k: sum(r[k] for r in rows) for k in SUMMARY_FIELDS}
    return {"rows": rows, "total": total, "first": first, "last": last}


def summary_params(user, scope: str | None, month: str | None):
    """(node, first day, last day) of a summary request; node None when the scope is out of the user's
    reach (404); ValueError for a malformed month."""
    from django.utils import timezone

    from gridgov.core import clock
    from gridgov.org.models import Grid, Region
    from gridgov.org.queries import scope_node

    from . import periods

    if month:
        first, last = periods.parse_month(month)
    else:
        first, last = periods.parse_month(f"{timezone.localdate(clock.now()):%Y-%m}")
    node = None
    if scope:
        node = scope_node(user, scope)
        if node is None and _active(user) and user.role == AUDITOR:
            node = Region.objects.filter(code=scope.strip()).first() or Grid.objects.filter(code=scope.strip()).first()
    elif _active(user):
        node = user.scope_region or user.scope_grid
    if node is None or not may_read_summary(user, node.path):
        return None, first, last
    return node, first, last
