from django import template
from django.db.models import Count
from django.utils import timezone

from gridgov.stars import queries, scoring

register = template.Library()


@register.simple_tag
def stars_home(user):
    """The home page box: one query. Town staff get this quarter's assessments by step; a village its
    own result; everyone else their village's or town's published results."""
    if not (user and user.is_authenticated):
        return None
    period = scoring.period_of(timezone.localdate())
    rows = queries.visible_assessments(user).filter(period=period)
    if user.is_superuser or user.role == "town_admin":
        counts = dict(rows.values_list("state").annotate(n=Count("pk")).order_by())
        return {"period": period, "kind": "town", "counts": counts, "total": sum(counts.values())} if counts else None
    mine = list(rows.filter(path__in=queries.prefixes(user.scope_path))
                .values("pk", "state", "total", "stars_earned", "level")[:1])
    return {"period": period, "kind": "own", "own": mine[0]} if mine else None
