"""GET /api/v1/cases/stats against figures worked out by hand on a month of cases built with the real
actions, each step placed in time with time-machine.

The month (March 2026; times in Shanghai), village A unless said otherwise:
  c1  reported Mon 09:00, accepted, dispatched to party_a1, resolved, verified Mon 11:00: closed on time
      at grid level after 2 h; rated satisfied
  c2  like c1, but resolved only on Wed 10:00, past its handling deadline (Tue 10:45), failed
      verification once (rework), closed Wed 11:30 after 50.5 h: closed late; rated basic
  c3  escalated to the village, dispatched to village A's committee, closed by its secretary Mon 11:30
      after 2.5 h at village level; rated dissatisfied
  c4  accepted and still being handled
  c5  rejected; c6 merged into c1 (both count as reported, not as accepted)
  c7  reported and accepted on Fri 27 February, closed in March: outside the March cohort
  c9  village B: reported by town staff, closed by them Mon 10:00 after 1 h at grid level, not rated

Village A: reported 6, accepted 4, closed 3, on time 2, reworked 1, rated 3 (2 satisfied or basic),
average (2 + 50.5 + 2.5) / 3 = 18.33 h. The town adds c9: reported 7, accepted 5, closed 4, on time 3,
average (2 + 50.5 + 2.5 + 1) / 4 = 14 h.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases import actions

from .conftest import POINT_A1, POINT_B1, local

VILLAGE_A, GRID_A1, TOWN = "445321104201", "445321104201001", "445321104000"


def build_month(p, cfg, clock) -> dict:
    """The cases of the module docstring; returns them by name."""
    def at(*when):
        clock.move_to(local(2026, *when))

    def report(actor=None, point=POINT_A1, description="垃圾堆积"):
        return actions.do_report(actor or p.resident_a1, cfg.garbage, description, lat=point[0], lng=point[1])

    w, party, sec, admin = p.worker_a1, p.party_a1, p.secretary_a, p.town_admin
    at(2, 27, 10, 0)
    c7 = actions.do_accept(w, report(description="二月的"))
    at(3, 2, 8, 50)
    c7 = actions.do_dispatch(w, c7, "party_a1")
    c7 = actions.do_resolve(party, actions.do_claim(party, c7), result="已清运")
    actions.do_verify(w, c7)

    at(3, 2, 9, 0)
    c = {name: report(description=name) for name in ("c1", "c2", "c3", "c4", "c5", "c6")}
    c["c7"] = c7
    c["c9"] = report(actor=admin, point=POINT_B1, description="c9")
    at(3, 2, 9, 30)
    for name in ("c1", "c2", "c3", "c4"):
        actions.do_accept(w, c[name])
    actions.do_reject(w, c["c5"], reason="不属于受理范围")
    actions.do_merge(w, c["c6"], c["c1"])
    actions.do_accept(admin, c["c9"])
    at(3, 2, 9, 45)
    for name in ("c1", "c2", "c4"):
        actions.do_dispatch(w, c[name], "party_a1")
    actions.do_escalate(w, c["c3"], reason="需要村里协调")
    actions.do_dispatch(admin, c["c9"], "town_admin")
    at(3, 2, 10, 0)
    for name in ("c1", "c2", "c4"):
        actions.do_claim(party, c[name])
    actions.do_accept(sec, c["c3"])
    actions.do_dispatch(sec, c["c3"], "U-A")
    actions.do_resolve(admin, actions.do_claim(admin, c["c9"]), result="已处理")
    actions.do_verify(admin, c["c9"])
    at(3, 2, 10, 30)
    actions.do_resolve(party, c["c1"], result="已清运")
    actions.do_claim(sec, c["c3"])
    at(3, 2, 11, 0)
    actions.do_verify(w, c["c1"])
    actions.do_rate(p.resident_a1, c["c1"], "satisfied")
    actions.do_resolve(sec, c["c3"], result="已调解")
    at(3, 2, 11, 30)
    actions.do_verify(sec, c["c3"])
    actions.do_rate(p.resident_a1, c["c3"], "dissatisfied")
    at(3, 4, 10, 0)
    actions.do_resolve(party, c["c2"], result="清了一半")
    at(3, 4, 10, 30)
    actions.do_verify(w, c["c2"], passed=False, note="巷尾还有")
    at(3, 4, 11, 0)
    actions.do_resolve(party, c["c2"], result="全部清运")
    at(3, 4, 11, 30)
    actions.do_verify(w, c["c2"])
    actions.do_rate(p.resident_a1, c["c2"], "basic")
    for case in c.values():
        case.refresh_from_db()
    return c


@pytest.fixture
def month(personas, cfg, clock):
    return build_month(personas, cfg, clock)


def stats(client, query=""):
    response = client.get(f"/api/v1/cases/stats{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_built_month_is_what_the_docstring_says(month):
    assert [month[n].state for n in ("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c9")] == [
        "closed", "closed", "closed", "in_progress", "rejected", "merged", "closed", "closed"]
    assert [month[n].closed_on_time for n in ("c1", "c2", "c3", "c9")] == [True, False, True, True]
    assert (month["c2"].rework_count, month["c3"].closed_level) == (1, "village")


def test_village_a_in_march(api_client, month):
    body = stats(api_client("town_admin"), f"?scope={VILLAGE_A}&since=2026-03-01&until=2026-03-31")
    assert body == {
        "scope": VILLAGE_A, "since": "2026-03-01", "until": "2026-03-31",
        "reported": 6, "accepted": 4, "closed": 3, "closed_on_time": 2, "reworked": 1, "reworks": 1,
        "rated": 3, "rated_auto": 0,
        "completion_rate": 0.75, "on_time_rate": 0.6667, "rework_rate": 0.3333, "satisfaction_rate": 0.6667,
        "average_hours_to_close": 18.33,
        "closed_by_level": {"grid": 2, "village": 1, "town": 0, "department": 0},
    }


def test_the_town_adds_village_b(api_client, month):
    body = stats(api_client("town_admin"), f"?scope={TOWN}&since=2026-03-01&until=2026-03-31")
    assert (body["reported"], body["accepted"], body["closed"], body["closed_on_time"]) == (7, 5, 4, 3)
    assert (body["completion_rate"], body["on_time_rate"], body["rework_rate"]) == (0.8, 0.75, 0.25)
    assert body["satisfaction_rate"] == 0.6667 and body["average_hours_to_close"] == 14.0
    assert body["closed_by_level"] == {"grid": 3, "village": 1, "town": 0, "department": 0}


def test_a_grid_scope_and_the_callers_own_node_by_default(api_client, month):
    grid = stats(api_client("town_admin"), f"?scope={GRID_A1}&since=2026-03-01&until=2026-03-31")
    own = stats(api_client("secretary_a"), "?since=2026-03-01&until=2026-03-31")
    assert own["scope"] == VILLAGE_A and grid["scope"] == GRID_A1
    assert grid["accepted"] == own["accepted"] == 4 and grid["completion_rate"] == own["completion_rate"] == 0.75


def test_the_default_window_is_this_month_to_today(api_client, month):
    # The clock stands on Wednesday 4 March 2026.
    body = stats(api_client("town_admin"))
    assert (body["since"], body["until"], body["scope"]) == ("2026-03-01", "2026-03-04", TOWN)
    assert body["accepted"] == 5


def test_february_holds_only_the_case_accepted_then(api_client, month):
    body = stats(api_client("town_admin"), "?since=2026-02-01&until=2026-02-28")
    assert (body["reported"], body["accepted"], body["closed"], body["completion_rate"]) == (1, 1, 1, 1.0)


def test_an_empty_window_has_null_rates(api_client, month):
    body = stats(api_client("town_admin"), "?since=2026-03-05&until=2026-03-31")
    assert (body["reported"], body["accepted"], body["closed"]) == (0, 0, 0)
    assert body["completion_rate"] is body["on_time_rate"] is body["satisfaction_rate"] is None
    assert body["average_hours_to_close"] is None


def test_bad_windows_and_scopes(api_client, month):
    client = api_client("town_admin")
    assert client.get("/api/v1/cases/stats?since=2026-03-31&until=2026-03-01").status_code == 422
    assert client.get("/api/v1/cases/stats?since=March").status_code == 422
    assert client.get("/api/v1/cases/stats?scope=445321104299").status_code == 404
    assert api_client("worker_a1").get(f"/api/v1/cases/stats?scope={VILLAGE_A}").status_code == 404


def test_a_resident_counts_only_their_own_cases(api_client, month):
    body = stats(api_client("resident_a1"), "?since=2026-03-01&until=2026-03-31")
    assert (body["scope"], body["reported"], body["accepted"]) == (GRID_A1, 6, 4)


def test_the_figures_come_from_aggregate_queries(api_client, month, personas, cfg, clock):
    client = api_client("town_admin")
    client.get("/api/v1/me")  # the token's first use stamps it: keep that write out of the counts

    def count():
        with CaptureQueriesContext(connection) as captured:
            stats(client, f"?scope={TOWN}&since=2026-03-01&until=2026-03-31")
        return len(captured)

    before = count()
    build_month(personas, cfg, clock)  # twice the cases
    assert count() == before <= 4
    assert stats(client, f"?scope={TOWN}&since=2026-03-01&until=2026-03-31")["accepted"] == 10


def test_the_formulas_are_documented_in_the_openapi_description(api_client, personas):
    schema = api_client("town_admin").get("/api/v1/openapi.json").json()
    description = schema["paths"]["/api/v1/cases/stats"]["get"]["description"]
    for formula in ("结案率 = 结案数 / 应结案数", "按期结案率 = 按期结案数 / 结案数", "返工率", "满意率"):
        assert formula in description


def test_residents_and_party_members_get_their_own_figures_not_the_grids(api_client, month, personas, cfg):
    # A case of grid A1 that neither resident_a1 reported nor party_a1 took: the grid's figures count it,
    # theirs must not (so the figures of the whole grid, read from the daily rows, are not theirs).
    extra = actions.do_report(personas.worker_a1, cfg.garbage, "井盖缺失", lat=POINT_A1[0], lng=POINT_A1[1])
    actions.do_accept(personas.worker_a1, extra)
    grid = stats(api_client("town_admin"), f"?scope={GRID_A1}&since=2026-03-01&until=2026-03-31")
    assert (grid["reported"], grid["accepted"]) == (7, 5)
    resident = stats(api_client("resident_a1"), "?since=2026-03-01&until=2026-03-31")
    assert (resident["scope"], resident["reported"], resident["accepted"], resident["closed"]) == (GRID_A1, 6, 4, 3)
    # party_a1 took c1, c2 and c4 (c7 was accepted in February).
    party = stats(api_client("party_a1"), "?since=2026-03-01&until=2026-03-31")
    assert (party["reported"], party["accepted"], party["closed"], party["completion_rate"]) == (3, 3, 2, 0.6667)
