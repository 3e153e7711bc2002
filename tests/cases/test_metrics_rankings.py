"""GET /api/v1/cases/rankings: grids, villages and handlers under a scope ranked by completion rate, then
on-time rate, ties broken by code; over the month of test_metrics_stats (see its docstring)."""

import pytest

from .test_metrics_stats import TOWN, VILLAGE_A, build_month

MARCH = "&since=2026-03-01&until=2026-03-31"


@pytest.fixture
def month(personas, cfg, clock):
    return build_month(personas, cfg, clock)


def ranking(client, query):
    response = client.get(f"/api/v1/cases/rankings?{query}{MARCH}")
    assert response.status_code == 200, response.content
    return response.json()


def rows(body):
    return [(i["rank"], i["code"], i["accepted"], i["closed"], i["completion_rate"], i["on_time_rate"])
            for i in body["items"]]


def test_grids_of_the_town(api_client, month):
    body = ranking(api_client("town_admin"), f"scope={TOWN}&by=grid")
    assert (body["scope"], body["by"]) == (TOWN, "grid")
    # B1: its one case closed on time; A1: 3 of 4 closed, 2 of them on time.
    assert rows(body) == [(1, "445321104202001", 1, 1, 1.0, 1.0), (2, "445321104201001", 4, 3, 0.75, 0.6667)]
    assert body["items"][0]["name"] == "都斛第一网格"


def test_villages_of_the_town(api_client, month):
    body = ranking(api_client("town_admin"), f"scope={TOWN}&by=village")
    assert [(i["code"], i["name"], i["completion_rate"]) for i in body["items"]] == [
        ("445321104202", "都斛村", 1.0), ("445321104201", "碧塘村", 0.75)]


def test_handlers_with_a_tie_broken_by_code(api_client, month):
    body = ranking(api_client("town_admin"), f"scope={TOWN}&by=handler")
    # secretary_a (c3) and town_admin (c9) both closed their one case on time: the code decides.
    assert rows(body) == [(1, "secretary_a", 1, 1, 1.0, 1.0), (2, "town_admin", 1, 1, 1.0, 1.0),
                          (3, "party_a1", 3, 2, 0.6667, 0.5)]


def test_a_village_scope_ranks_only_its_own(api_client, month):
    body = ranking(api_client("secretary_a"), f"scope={VILLAGE_A}&by=grid")
    assert [i["code"] for i in body["items"]] == ["445321104201001"]
    assert ranking(api_client("secretary_a"), "by=grid")["scope"] == VILLAGE_A


def test_unknown_ranking_and_scope_are_refused(api_client, month):
    client = api_client("town_admin")
    assert client.get("/api/v1/cases/rankings?by=weather").status_code == 422
    assert client.get("/api/v1/cases/rankings?scope=445321104299").status_code == 404
