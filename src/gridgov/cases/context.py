"""The unread count of the in-app inbox, for the menu of every page.

The count is one COUNT query on the partial index of unread notifications, run only when a template
asks for it and at most once per response however often the template reads it.
"""

from functools import cache

from .models import Notification


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_notifications": count}


def case_summary(user) -> dict:
    """The case box of the home page, in one aggregate query over the cases the user may see:
    staff get open / overdue / due soon, grid workers their inbox counts, party members the order pool
    and their open orders, residents their open reports."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from gridgov.core.scoping import GRID_WORKER, PARTY_MEMBER, RESIDENT, VIEW, restrict

    from .models import CLOCKED_STATES, OPEN_STATES, Case, Level, State

    cases = restrict(user, VIEW, Case).order_by()
    now = timezone.now()
    if user.role == GRID_WORKER:
        handling = Q(state__in=[State.DISPATCHED, State.IN_PROGRESS, State.SUSPENDED]) & (
            Q(assignee=user) | Q(unit_id__in=user.case_units.values("pk")))
        figures = cases.aggregate(
            assess=Count("pk", filter=Q(state__in=[State.REPORTED, State.ACCEPTED], level=Level.GRID)),
            handle=Count("pk", filter=handling),
            verify=Count("pk", filter=Q(state=State.RESOLVED)))
        return {"kind": "worker", **figures}
    if user.role == PARTY_MEMBER:
        figures = cases.aggregate(
            pool=Count("pk", filter=Q(in_pool=True, state=State.DISPATCHED)),
            orders=Count("pk", filter=Q(assignee=user, state__in=OPEN_STATES)))
        return {"kind": "party", **figures}
    if user.role == RESIDENT:
        own = Q(reporter_user=user) | (Q(reporter_id=user.person_id) if user.person_id else Q(pk__in=[]))
        return {"kind": "resident", "open": cases.filter(own, state__in=OPEN_STATES).count()}
    figures = cases.aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=Q(state__in=CLOCKED_STATES, deadline__lt=now)),
        due_soon=Count("pk", filter=Q(state__in=CLOCKED_STATES, due_soon_at__lte=now, deadline__gte=now)))
    return {"kind": "staff", **figures}
