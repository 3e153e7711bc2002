"""services.on_time and services.satisfaction end to end: applications finished and rated around a year
end (on time, late, refused), read through the star metric registry for December, the fourth quarter,
January and the year; and the figures page shows them."""

import datetime

import time_machine

from gridgov.services import actions
from gridgov.stars import metrics as star_metrics

from .conftest import local, photo

D = datetime.date


def _finish(personas, item, submitted, finished, rating=None, refuse=False):
    resident, town = personas.resident_a1, personas.town_admin
    with time_machine.travel(submitted, tick=False):
        app = actions.do_apply(resident, item)
        actions.do_add_material(resident, app.pk, "身份证", photo())
        actions.do_action(resident, app.pk, "submit")
        actions.do_action(town, app.pk, "accept")
    with time_machine.travel(finished, tick=False):
        actions.do_action(town, app.pk, "refuse" if refuse else "finish", reason="不符合条件")
        if rating:
            actions.do_action(resident, app.pk, "rate", rating=rating)
    return app


def test_metrics_across_a_year_end(personas, items, login):
    proof = items.proof  # 1 working day
    _finish(personas, proof, local(2026, 12, 30, 9, 0), local(2026, 12, 31, 17, 0), rating=5)  # on time
    _finish(personas, proof, local(2026, 12, 28, 9, 0), local(2026, 12, 31, 16, 0), rating=2)  # late
    _finish(personas, proof, local(2026, 12, 31, 10, 0), local(2027, 1, 4, 9, 0), rating=4)  # late
    _finish(personas, proof, local(2027, 1, 5, 9, 0), local(2027, 1, 5, 11, 0), refuse=True)  # refused on time
    on_time, satisfaction = star_metrics.source("services.on_time"), star_metrics.source("services.satisfaction")
    village = personas.town.village_a
    december = on_time.func(village, D(2026, 12, 1), D(2026, 12, 31))
    assert (december["records"]["finished"], december["records"]["on_time"], december["value"]) == (2, 1, 0.5)
    assert december["records"]["link"].startswith("/services/figures/?scope=" + village.code)
    quarter = satisfaction.func(village, D(2026, 10, 1), D(2026, 12, 31))
    assert (quarter["records"]["rated"], quarter["records"]["satisfied"], quarter["value"]) == (2, 1, 0.5)
    january = on_time.func(village, D(2027, 1, 1), D(2027, 1, 31))
    # Accepted Thursday 31 Dec 10:00: one working day is Friday 1 Jan 17:30 (no holiday row here):
    # finished Monday 4 Jan is late; the refusal on 5 Jan came within its step.
    assert (january["records"]["finished"], january["records"]["on_time"], january["value"]) == (2, 1, 0.5)
    assert satisfaction.func(village, D(2027, 1, 1), D(2027, 1, 31))["value"] == 1.0
    assert on_time.func(village, D(2026, 1, 1), D(2026, 12, 31))["value"] == 0.5
    assert on_time.func(personas.town.village_b, D(2026, 12, 1), D(2027, 1, 31))["value"] is None
    page = login(personas.secretary_a).get(f"/services/figures/?scope={village.code}&since=2026-12-01&until=2027-01-31")
    assert page.status_code == 200 and "居住证明" in page.content.decode()
    assert login(personas.outsider).get(f"/services/figures/?scope={village.code}").status_code == 404
