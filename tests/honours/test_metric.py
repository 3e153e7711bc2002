"""The five-star source honours.per_hundred end to end (through the stars' scoring of a quarter), across
a revocation and the year end."""

from decimal import Decimal

from gridgov.honours import actions
from gridgov.honours.models import Entry
from gridgov.stars import actions as star_actions
from gridgov.stars import metrics as star_metrics
from gridgov.stars.models import Indicator

from .conftest import local


def _indicator():
    return Indicator(code="HONOUR", name="每百户荣誉数", max_points=Decimal(5), method="metric",
                     config={"source": "honours.per_hundred", "map": "linear", "floor": 0, "target": 50})


def test_the_star_metric_end_to_end(personas, drive, clock):
    p, t = personas, personas.town
    assert star_metrics.source("honours.per_hundred").func.__module__ == "gridgov.honours.metrics"
    entry = drive("published")
    clock.move_to(local(2026, 3, 9, 10, 0))
    actions.do_name(p.town_admin, entry)
    result = star_actions.score_metric(_indicator(), t.village_a, "2026Q1")
    # One title among village A's three households: 33.33 per hundred, two thirds of the way to 50.
    assert result["value"] == Decimal("33.33") and result["points"] == Decimal("3.33")
    records = result["records"]
    assert (records["households"], records["titles"], records["ids"], records["year"]) == (3, 1, [entry.pk], 2026)
    assert records["link"] == f"/honours/plaques/?scope={t.village_a.code}&year=2026"
    assert star_actions.score_metric(_indicator(), t.village_b, "2026Q1")["value"] == Decimal(0)
    clock.move_to(local(2026, 7, 1, 0, 30))
    actions.do_revoke(p.town_admin, entry, "违规搭建")
    assert star_actions.score_metric(_indicator(), t.village_a, "2026Q2")["value"] == Decimal("33.33")  # to 30 June
    assert star_actions.score_metric(_indicator(), t.village_a, "2026Q3")["value"] == Decimal(0)
    # A 2026 title (revocation undone here) counts to the year end, not in 2027.
    clock.move_to(local(2027, 2, 1, 9, 0))
    Entry.objects.filter(pk=entry.pk).update(state=Entry.State.NAMED, revoked_at=None)
    assert star_actions.score_metric(_indicator(), t.village_a, "2026Q4")["value"] == Decimal("33.33")
    assert star_actions.score_metric(_indicator(), t.village_a, "2027Q1")["value"] == Decimal(0)
