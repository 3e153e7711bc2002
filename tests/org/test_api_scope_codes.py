"""`scope=` takes a region code or a grid code alike, wherever it appears: a town and its town grid,
a village and its village grid share one path and so give the same answer; a small grid's code
means that grid's subtree. A code the caller may not see answers 404, a malformed one 422 naming
`scope`. The scope parameters are found in the OpenAPI document, so a new one is held to this too."""

import pytest

from gridgov.cases import actions as case_actions
from gridgov.points import actions as points_actions
from tests.cases.conftest import POINT_A1, cfg, clock  # noqa: F401
from tests.points.conftest import rules  # noqa: F401
from tests.stars.conftest import PERIOD, quarter, scheme  # noqa: F401

POINT_A2 = (22.705, 112.315)  # inside small grid A2

# Every GET with a scope= parameter, and its query besides the scope.
SCOPED = {
    "/api/v1/cases/stats": {},
    "/api/v1/cases/rankings": {"by": "grid"},
    "/api/v1/points/ranking": {"period": "year"},
    "/api/v1/stars/assessments": {"period": PERIOD},
    "/api/v1/stars/schemes/{year}": {},
    "/api/v1/links/coverage": {},
    "/api/v1/patrols/compliance": {},
    "/api/v1/volunteers/stats": {},
    "/api/v1/party/compliance": {"period": PERIOD},
    "/api/v1/tasks": {},
    "/api/v1/tasks/accountability": {},
    "/api/v1/honours": {},
    "/api/v1/honours/counts": {},
    "/api/v1/honours/entries": {},
    "/api/v1/services/applications": {},
    "/api/v1/disputes/summary": {"month": "2026-03"},
    "/api/v1/affairs/matters": {},
}
GARBAGE = ["abc", "4453211042010", "44532110420100", "445321000000000", "445321104000001", "４４５３２１１０４２０１"]


@pytest.fixture
def seeded(personas, clock, cfg, rules, quarter):  # noqa: F811  fixtures imported above
    """Cases in small grids A1 (two) and A2 (one), all accepted, one in B1; points in A1, A2 and B1."""
    p, town = personas, personas.town
    for point in (POINT_A1, POINT_A1, POINT_A2):
        case = case_actions.do_report(p.resident_a1, cfg.garbage, "垃圾堆积在巷口三天无人清理", lat=point[0],
                                      lng=point[1])
        case_actions.do_accept(p.town_admin, case)
    case_actions.do_report(p.outsider, cfg.garbage, "路灯不亮", lat=22.715, lng=112.305)
    for person in (town.zhang, town.chen, town.liu):
        points_actions.do_award(p.town_admin, rules.meeting, "参加村民大会", person=person)
    return p


def _url(path: str) -> str:
    return path.replace("{year}", "2026")


def _get(client, path: str, scope: str | None):
    query = dict(SCOPED[path])
    if scope is not None:
        query["scope"] = scope
    return client.get(_url(path), query)


def _figures(response) -> dict:
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    body.pop("scope", None)  # the code asked for comes back as it was given
    return body


def test_every_scope_parameter_is_tested_here(personas, api_client):
    document = api_client("town_admin").get("/api/v1/openapi.json").json()
    scoped = {path for path, operations in document["paths"].items() if "get" in operations
              and any(p["name"] == "scope" for p in operations["get"].get("parameters", []))}
    assert scoped == set(SCOPED)


@pytest.mark.parametrize("path", list(SCOPED))
@pytest.mark.parametrize("username, region, grid", [
    ("town_admin", "town", "town_grid"),
    ("town_admin", "village_a", "grid_a"),
    ("secretary_a", "village_a", "grid_a"),
])
def test_a_region_and_its_grid_give_the_same_answer(seeded, api_client, path, username, region, grid):
    town, client = seeded.town, api_client(username)
    by_region = _figures(_get(client, path, getattr(town, region).code))
    by_grid = _figures(_get(client, path, getattr(town, grid).code))
    assert by_region == by_grid


def test_the_figures_are_those_of_the_subtree(seeded, api_client):
    """The same answers above are not empty ones: each code reads its own subtree."""
    town, client = seeded.town, api_client("town_admin")
    stats = {code: _figures(_get(client, "/api/v1/cases/stats", code))["reported"]
             for code in (town.town_grid.code, town.grid_a.code, town.a1.code, town.a2.code)}
    assert stats == {town.town_grid.code: 4, town.grid_a.code: 3, town.a1.code: 2, town.a2.code: 1}
    ranked = _figures(_get(client, "/api/v1/cases/rankings", town.grid_a.code))
    assert [r["code"] for r in ranked["items"]] == [town.a1.code, town.a2.code] and ranked["count"] == 2
    points = _figures(_get(client, "/api/v1/points/ranking", town.grid_a.code))
    assert [(r["name"], r["points"]) for r in points["items"]] == [("张*国", 5), ("陈*华", 5)]
    board = _figures(_get(client, "/api/v1/stars/assessments", town.town_grid.code))
    assert [a["village"]["code"] for a in board["items"]] == [town.village_a.code, town.village_b.code]
    village = _figures(_get(client, "/api/v1/stars/assessments", town.grid_a.code))
    assert [a["village"]["code"] for a in village["items"]] == [town.village_a.code]
    # A small grid's subtree holds no village, so no village's assessment.
    assert _figures(_get(client, "/api/v1/stars/assessments", town.a1.code)) == {"items": [], "count": 0}
    assert _figures(_get(client, "/api/v1/stars/schemes/{year}", town.grid_a.code))["name"] == seeded_scheme_name()


def seeded_scheme_name() -> str:
    from gridgov.stars.models import Scheme

    return Scheme.objects.get(year=2026).name


@pytest.mark.parametrize("path", list(SCOPED))
@pytest.mark.parametrize("node", ["village_a", "grid_a", "a1"])
def test_an_outsiders_code_answers_404(seeded, api_client, path, node):
    response = _get(api_client("outsider"), path, getattr(seeded.town, node).code)
    assert response.status_code == 404, response.content[:300]
    assert "detail" in response.json()


@pytest.mark.parametrize("path", list(SCOPED))
def test_an_unknown_code_answers_404(seeded, api_client, path):
    for code in ("445321104299", "445321104299000"):
        assert _get(api_client("town_admin"), path, code).status_code == 404


@pytest.mark.parametrize("path", list(SCOPED))
@pytest.mark.parametrize("garbage", GARBAGE)
def test_a_malformed_code_answers_422_naming_scope(seeded, api_client, path, garbage):
    response = _get(api_client("town_admin"), path, garbage)
    assert response.status_code == 422, response.content[:300]
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["scope"]
    assert errors[0]["message"]


def test_the_malformed_message_speaks_the_callers_language(seeded, api_client):
    client = api_client("town_admin")
    english = client.get("/api/v1/cases/stats", {"scope": "abc"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["errors"][0]["message"] == (
        "Enter a region code (12 digits, 14 for a villager group) or a grid code (15 digits): abc")
    chinese = client.get("/api/v1/cases/stats", {"scope": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert "abc" in chinese["errors"][0]["message"] and "code" not in chinese["errors"][0]["message"]


def test_an_empty_scope_is_the_default(seeded, api_client):
    client = api_client("secretary_a")
    for path in SCOPED:
        assert _figures(_get(client, path, "")) == _figures(_get(client, path, None)), path


@pytest.mark.parametrize("url", ["/cases/stats/", "/stars/"])
def test_the_pages_take_a_grid_code_like_its_regions(seeded, login, url):
    """The statistics page and the five-star board resolve scope= through the same helper."""
    town, client = seeded.town, login(seeded.town_admin)
    query = {"period": PERIOD} if url == "/stars/" else {}
    pages = {code: client.get(url, {**query, "scope": code}) for code in (town.village_a.code, town.grid_a.code)}
    assert [r.status_code for r in pages.values()] == [200, 200]
    by_region, by_grid = pages.values()
    if url == "/stars/":
        assert [a.pk for a in by_region.context["rows"]] == [a.pk for a in by_grid.context["rows"]] != []
    else:
        assert by_region.context["figures"] == by_grid.context["figures"]
        assert {k: v for k, _, _, v in by_grid.context["figures"]}["reported"] == 3
    outsider = login(seeded.outsider)
    assert outsider.get(url, {**query, "scope": town.grid_a.code}).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/stars/assessments", "/api/v1/stars/schemes/{year}"])
def test_a_village_names_its_town_by_either_code(seeded, api_client, path):
    """Five stars let a village read its town's board and scheme (the nodes above it): by the town's
    code or the town grid's, alike."""
    town, client = seeded.town, api_client("secretary_a")
    by_region = _figures(_get(client, path, town.town.code))
    assert by_region == _figures(_get(client, path, town.town_grid.code))
    if path == "/api/v1/stars/assessments":
        assert [a["village"]["code"] for a in by_region["items"]] == [town.village_a.code]
