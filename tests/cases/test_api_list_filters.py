"""GET /api/v1/cases: every filter, pagination like the org lists, and 我的诉求 (mine)."""

import datetime

import pytest

from gridgov.cases import actions

from .conftest import POINT_B1

pytestmark = pytest.mark.usefixtures("clock")
A1, A2, VILLAGE_A, VILLAGE_B = "445321104201001", "445321104201002", "445321104201", "445321104202"


@pytest.fixture
def spread(personas, cfg, report, drive):
    """Five cases: A1 reported (garbage), A1 accepted (neighbours), A2 closed, B1 rejected, B1 reported by
    town staff on the hotline."""
    p = personas
    s = {}
    s["a1_new"] = report()
    s["a1_accepted"] = drive(report(category=cfg.neighbours), "accepted")
    case = actions.do_accept(p.secretary_a, report(point=None, grid=p.town.a2))
    case = actions.do_dispatch(p.secretary_a, case, "party_a1")
    case = actions.do_resolve(p.party_a1, actions.do_claim(p.party_a1, case), result="已清运")
    s["a2_closed"] = actions.do_verify(p.secretary_a, case)
    s["b1_rejected"] = actions.do_reject(p.town_admin, report(actor=p.town_admin, point=POINT_B1), reason="重复")
    s["b1_hotline"] = report(actor=p.town_admin, point=POINT_B1, category=cfg.neighbours)
    return s


def ids(client, query="") -> list[int]:
    response = client.get(f"/api/v1/cases{query}")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_the_town_sees_all_newest_first(api_client, spread):
    body = api_client("town_admin").get("/api/v1/cases").json()
    assert body["count"] == 5
    assert [i["id"] for i in body["items"]] == sorted((c.pk for c in spread.values()), reverse=True)
    first = body["items"][0]
    assert set(first) >= {"id", "number", "state", "level", "category", "grid", "deadline", "clock", "created_at"}


@pytest.mark.parametrize("query, expected", [
    ("?state=reported", ["a1_new", "b1_hotline"]),
    ("?state=closed", ["a2_closed"]),
    (f"?grid={A1}", ["a1_new", "a1_accepted"]),
    (f"?grid={VILLAGE_A}000", ["a1_new", "a1_accepted", "a2_closed"]),
    (f"?region={VILLAGE_B}", ["b1_rejected", "b1_hotline"]),
    ("?category=0401", ["a1_accepted", "b1_hotline"]),
    ("?category=01", ["a1_new", "a2_closed", "b1_rejected"]),
    (f"?region={VILLAGE_A}&state=reported", ["a1_new"]),
    ("?grid=445321104299001", []),  # unknown grid: nothing, not everything
    ("?region=445321104299", []),
])
def test_each_filter(api_client, spread, query, expected):
    assert sorted(ids(api_client("town_admin"), query)) == sorted(spread[k].pk for k in expected)


def test_overdue_filter_follows_the_clock(api_client, spread, clock):
    town = api_client("town_admin")
    assert ids(town, "?overdue=true") == []
    # Three working days later every running step is past its deadline; closed, rejected are not.
    clock.move_to(datetime.datetime(2026, 3, 6, 16, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    town = api_client("town_admin")  # the first token has been idle past GRIDGOV_API_TOKEN_IDLE_HOURS by now
    late = sorted(spread[k].pk for k in ("a1_new", "a1_accepted", "b1_hotline"))
    assert sorted(ids(town, "?overdue=true")) == late
    assert sorted(ids(town, "?overdue=false")) == sorted(spread[k].pk for k in ("a2_closed", "b1_rejected"))
    assert {i["clock"] for i in town.get("/api/v1/cases?overdue=true").json()["items"]} == {"overdue"}


def test_a_filter_value_that_is_not_a_state_is_invalid(api_client, spread):
    response = api_client("town_admin").get("/api/v1/cases?state=lost")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "state"


def test_mine_keeps_the_callers_own_reports(api_client, spread):
    resident_mine = ids(api_client("resident_a1"), "?mine=true")
    assert sorted(resident_mine) == sorted(spread[k].pk for k in ("a1_new", "a1_accepted", "a2_closed"))
    assert sorted(ids(api_client("town_admin"), "?mine=true")) == sorted(
        spread[k].pk for k in ("b1_rejected", "b1_hotline"))


def test_pages_of_fifty(api_client, personas, report):
    for n in range(52):
        report(description=f"第{n}宗")
    client = api_client("worker_a1")
    first = client.get("/api/v1/cases").json()
    second = client.get("/api/v1/cases?page=2").json()
    past = client.get("/api/v1/cases?page=3").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (52, 50, 2)
    assert past == {"items": [], "count": 52}
    assert not set(i["id"] for i in first["items"]) & set(i["id"] for i in second["items"])
