"""The five-star metric sources of dispute mediation (see gridgov.stars.metrics): each takes a village and
a period [since, until] and answers {"value", "score", "records"} with the counts it came from and a link to
the monthly summary. No record in the period is no figure (value None), not 100 %."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.utils import timezone

from gridgov.core import clock

from . import periods, queries
from .models import Dispute, FollowUp, Screening

MAX_IDS = 500


def _link(village, until: datetime.date) -> str:
    return "/disputes/summary/?" + urlencode({"scope": village.code, "month": f"{until:%Y-%m}"})


def _share(part: int, whole: int):
    return round(part / whole, 4) if whole else None


def mediated(village, since: datetime.date, until: datetime.date) -> dict:
    """The share of the village's disputes concluded in the period that were mediated with an agreement."""
    start, end = queries._bounds(since, until)
    rows = Dispute.objects.filter(village=village, conclude_at__gte=start, conclude_at__lt=end)
    counts = rows.aggregate(concluded=Count("id"), mediated=Count("id", filter=Q(state=Dispute.State.MEDIATED)),
                            referred=Count("id", filter=Q(state=Dispute.State.REFERRED)),
                            withdrawn=Count("id", filter=Q(state=Dispute.State.WITHDRAWN)))
    value = _share(counts["mediated"], counts["concluded"])
    return {"value": value, "score": value, "records": {
        "kind": "disputes", "since": since.isoformat(), "until": until.isoformat(), **counts,
        "dispute_ids": list(rows.order_by("pk").values_list("pk", flat=True)[:MAX_IDS]),
        "link": _link(village, until)}}


def zero_reports(village, since: datetime.date, until: datetime.date) -> dict:
    """The share of the period's ISO weeks (Thursday in the period) with a screening filed on time, over
    the weeks whose on-time day has passed (a week still open to an on-time report is not judged)."""
    today = timezone.localdate(clock.now())
    mondays = [m for m in periods.weeks_between(since, until) if actions_due(m, village.path) < today]
    filed = Screening.objects.filter(village=village, week__in=mondays)
    counts = filed.aggregate(filed=Count("id"), on_time=Count("id", filter=Q(on_time=True)),
                             zero=Count("id", filter=Q(none=True)))
    value = _share(counts["on_time"], len(mondays))
    return {"value": value, "score": value, "records": {
        "kind": "dispute_screenings", "since": since.isoformat(), "until": until.isoformat(), "weeks": len(mondays),
        **counts, "missing": len(mondays) - counts["filed"],
        "first_week": periods.week_label(mondays[0]) if mondays else None,
        "last_week": periods.week_label(mondays[-1]) if mondays else None, "link": _link(village, until)}}


def followups(village, since: datetime.date, until: datetime.date) -> dict:
    """The share of follow-up visits (季回访) due in the period, up to yesterday, that were made."""
    today = timezone.localdate(clock.now())
    last = min(until, today - datetime.timedelta(days=1))
    rows = FollowUp.objects.filter(dispute__village=village, due__gte=since, due__lte=last)
    counts = rows.aggregate(due=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    value = _share(counts["done"], counts["due"])
    return {"value": value, "score": value, "records": {
        "kind": "dispute_followups", "since": since.isoformat(), "until": until.isoformat(), **counts,
        "dispute_ids": sorted(set(rows.values_list("dispute_id", flat=True)[:MAX_IDS])),
        "link": _link(village, until)}}


def actions_due(monday: datetime.date, path: str) -> datetime.date:
    from .actions import due_day

    return due_day(monday, path)


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from gridgov.stars import metrics as star_metrics

    star_metrics.register("disputes.mediated", _("Disputes mediated with an agreement (share of those concluded)"),
                          mediated)
    star_metrics.register("disputes.zero_reports", _("Weekly dispute screenings filed on time (share of weeks)"),
                          zero_reports)
    star_metrics.register("disputes.followups", _("Dispute follow-up visits made (share of those due)"), followups)
