"""The points award end to end (a rule on the automatic source "patrol_done", idempotent), who sees
what (village staff their village, town staff all, grid workers their grids, others 404), and the
board's query count."""


import pytest

from gridgov.patrols import actions
from gridgov.points import actions as points_actions
from gridgov.points.public import person_balance

from .conftest import POINT_A1, POINT_B1


def test_finishing_a_patrol_awards_points_once(personas, worker, clock):
    town = personas.town
    points_actions.do_save_rule(personas.town_admin, town.town, code="PATROL", name="完成网格巡查", points=2,
                                auto="patrol_done")
    patrol = actions.do_start(worker)
    actions.do_check_in(worker, patrol, *POINT_A1, accuracy=8)
    actions.do_finish(worker, patrol)
    assert person_balance(worker.person) == 2
    assert actions._award(patrol, None) == "exists"
    assert person_balance(worker.person) == 2
    # Only outside its grids: nothing counted, nothing earned.
    other = actions.do_start(worker)
    actions.do_check_in(worker, other, *POINT_B1)
    actions.do_finish(worker, other)
    assert person_balance(worker.person) == 2


@pytest.fixture
def patrols(personas, worker, clock):
    p = actions.do_start(worker)
    actions.do_check_in(worker, p, *POINT_A1)
    actions.do_finish(worker, p)
    return p


@pytest.mark.parametrize("who, sees", [("town_admin", 1), ("secretary_a", 1), ("worker_a1", 1), ("outsider", 0),
                                       ("resident_a1", 0), ("party_a1", 0), ("department", 0)])
def test_who_sees_patrols(patrols, api_client, login, personas, who, sees):
    client = api_client(who)
    assert client.get("/api/v1/patrols").json()["count"] == sees
    assert client.get(f"/api/v1/patrols/{patrols.pk}").status_code == (200 if sees else 404)
    page = login(getattr(personas, who))
    assert page.get(f"/patrols/{patrols.pk}/").status_code == (200 if sees else 404)
    # Their own board: the outsider (village B's secretary) reads village B's, where nothing is of A.
    staff = who in ("town_admin", "secretary_a", "worker_a1", "outsider")
    board = page.get("/patrols/board/")
    assert board.status_code == (200 if staff else 404)
    assert ("碧塘第一网格" in board.content.decode()) == bool(sees)
    compliance = client.get("/api/v1/patrols/compliance")
    assert compliance.status_code == (200 if staff else 404)


def test_the_outsider_cannot_name_village_a(patrols, api_client, login, personas):
    town = personas.town
    assert api_client("outsider").get("/api/v1/patrols/compliance", {"scope": town.village_a.code}).status_code == 404
    assert login(personas.outsider).get("/patrols/board/", {"scope": town.village_a.code}).status_code == 404
    assert login(personas.outsider).get("/patrols/").status_code == 302  # to its own (empty) board


def test_phone_pages_of_the_worker(personas, worker, cfg, clock, login):
    client = login(worker)
    assert client.get("/patrols/").status_code == 200
    r = client.post("/patrols/start/")
    assert r.status_code == 302
    pid = int(r["Location"].strip("/").split("/")[-1])
    page = client.get(f"/patrols/{pid}/")
    assert page.status_code == 200 and b'id="read-position"' in page.content
    client.post(f"/patrols/{pid}/checkin/", {"lat": POINT_A1[0], "lng": POINT_A1[1], "accuracy": "15"})
    client.post(f"/patrols/{pid}/note/", {"text": "路灯不亮"})
    client.post(f"/patrols/{pid}/case/", {"category": cfg.garbage.code, "description": "巷口垃圾",
                                          "lat": POINT_A1[0], "lng": POINT_A1[1]})
    client.post(f"/patrols/{pid}/finish/")
    detail = client.get(f"/patrols/{pid}/").content.decode()
    assert "路灯不亮" in detail and "巷口垃圾" in detail and 'id="finish-patrol"' not in detail
    r = client.post("/patrols/by-hand/", {"day": "2026-02-28", "start": "09:00", "end": "10:30",
                                          "grids": [personas.town.a1.code], "reason": "没有信号"})
    assert r.status_code == 302
    assert login(personas.resident_a1).get("/patrols/by-hand/").status_code == 404


def test_the_board_costs_the_same_queries_for_more_grids_and_weeks(patrols, login, personas,
                                                                  django_assert_max_num_queries):
    client = login(personas.town_admin)
    client.get("/patrols/board/")
    with django_assert_max_num_queries(16):
        r = client.get("/patrols/board/", {"weeks": 12})
    assert r.status_code == 200 and "碧塘第一网格" in r.content.decode()
    with django_assert_max_num_queries(16):
        client.get("/patrols/board/", {"weeks": 1, "scope": personas.town.a1.code})
