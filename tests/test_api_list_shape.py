"""One list shape for the whole JSON API: every list answers {"items": [...], "count": N} and takes
?page= (and ?page_size=). The OpenAPI document is walked, so an endpoint added later that answers a
bare list, or a collection that forgets its count or its paging, fails here; then every list is
called for real on a seeded town and paged."""

import pytest

from gridgov.cases import actions as case_actions
from gridgov.points import actions as points_actions
from tests.affairs.api_seeding import two_matters_and_disclosures
from tests.cases.conftest import POINT_A1, cfg, clock  # noqa: F401
from tests.links.seeding import two_links_and_contacts
from tests.meetings.seeding import two_meetings
from tests.honours.seeding import two_honours
from tests.patrols.seeding import two_patrols
from tests.services.seeding import two_items_and_applications
from tests.volunteers.seeding import two_teams_and_activities
from tests.points.conftest import fund, rules, shop  # noqa: F401
from tests.stars.conftest import quarter, scheme  # noqa: F401
from tests.tasks.seeding import two_tasks

POINT_A2 = (22.705, 112.315)  # inside small grid A2

# GET paths that name one object rather than a collection although they end in a word. Each is a
# documented object; a list does not belong here.
OBJECTS = {
    "/api/v1/me": "the caller",
    "/api/v1/grids/locate": "the small grid at a point",
    "/api/v1/grids/geojson": "a GeoJSON FeatureCollection, the shape map libraries read",
    "/api/v1/cases/stats": "the figures of a node",
    "/api/v1/links/coverage": "the link coverage and contact rate of a node",
    "/api/v1/contacts/{contact_id}/photo": "the image of a contact",
    "/api/v1/volunteers/me": "the caller's volunteer registration and service record",
    "/api/v1/volunteers/stats": "the volunteer figures of a node",
}

# Who calls a list in the real walk (default town_admin): someone the seed gives at least two rows.
CALLER = {"/api/v1/notifications": "worker_a1"}


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def _get_operations(document: dict):
    """(path, parameters, 200 schema) of every GET in the document."""
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        content = get["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        yield path, get.get("parameters", []), _resolve(schema, document) if schema else None


def _is_collection(path: str) -> bool:
    """A GET whose path ends in a word (not a {parameter}) reads a collection, unless it is a known object."""
    return not path.rstrip("/").rsplit("/", 1)[-1].startswith("{") and path not in OBJECTS


@pytest.fixture
def document(personas, api_client):
    response = api_client("town_admin").get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def list_paths(document: dict) -> list[str]:
    return [path for path, _, schema in _get_operations(document)
            if schema is not None and "items" in schema.get("properties", {})]


def test_no_get_answers_a_bare_list(document):
    bare = [path for path, _, schema in _get_operations(document) if schema and schema.get("type") == "array"]
    assert bare == []


def test_every_list_has_a_count_and_takes_page(document):
    for path, parameters, schema in _get_operations(document):
        properties = (schema or {}).get("properties", {})
        if "items" not in properties:
            continue
        assert _resolve(properties["items"], document).get("type") == "array", path
        assert _resolve(properties.get("count", {}), document).get("type") == "integer", f"{path} has no count"
        query = {p["name"]: p for p in parameters if p["in"] == "query"}
        assert "page" in query, f"{path} takes no ?page="
        assert _resolve(query["page"]["schema"], document).get("type") == "integer"
        assert "page_size" in query, f"{path} takes no ?page_size="


def test_every_collection_is_a_list(document):
    not_lists = [path for path, _, schema in _get_operations(document)
                 if _is_collection(path) and "items" not in (schema or {}).get("properties", {})]
    assert not_lists == [], "a collection answers {items, count}; an object belongs in OBJECTS with its reason"


def test_the_walk_finds_the_known_lists(document):
    """The walk itself is checked: it sees the lists this file was written against."""
    assert set(list_paths(document)) >= {
        "/api/v1/regions", "/api/v1/grids", "/api/v1/households", "/api/v1/people", "/api/v1/cases",
        "/api/v1/cases/categories", "/api/v1/cases/rankings", "/api/v1/notifications", "/api/v1/points/accounts",
        "/api/v1/points/rules", "/api/v1/points/ranking", "/api/v1/points/claims", "/api/v1/shop/products",
        "/api/v1/shop/orders", "/api/v1/stars/assessments"}
    assert all(path in {p for p, _, _ in _get_operations(document)} for path in OBJECTS), "a stale OBJECTS entry"


@pytest.fixture
def seeded(personas, clock, cfg, rules, shop, fund, quarter):  # noqa: F811  fixtures imported above
    """At least two rows in every list for its caller: cases in two small grids (so two ranked grids
    and two notifications for A1's worker), accounts with points, claims and orders."""
    p, town = personas, personas.town
    for point in (POINT_A1, POINT_A1, POINT_A2):
        case = case_actions.do_report(p.resident_a1, cfg.garbage, "垃圾堆积在巷口三天无人清理", lat=point[0],
                                      lng=point[1])
        case_actions.do_accept(p.town_admin, case)
    for person in (town.chen, town.zhang):
        points_actions.do_award(p.town_admin, rules.meeting, "参加村民大会", person=person)
    for evidence in ("参加防汛值守", "清理河道"):
        points_actions.do_file_claim(p.resident_a1, town.zhang, rules.volunteer, evidence)
    fund(town.zhang, 100)
    for _ in range(2):
        points_actions.do_redeem(p.resident_a1, shop.soap, 1)
    two_patrols(p)
    two_links_and_contacts(p)
    two_items_and_applications(p)
    two_honours(p)
    two_teams_and_activities(p)
    two_tasks(p)
    two_meetings(p)
    two_matters_and_disclosures(p)
    return p


def _get(client, path: str, **query):
    response = client.get(path, query)
    assert response.status_code == 200, (path, query, response.content[:300])
    body = response.json()
    assert isinstance(body.get("items"), list) and isinstance(body.get("count"), int), (path, body)
    return body


def test_every_list_answers_the_shape_and_pages(seeded, document, api_client):
    paths = list_paths(document)
    assert paths
    for path in paths:
        assert "{" not in path, f"{path}: fill its path parameters here from the seeded town"
        client = api_client(CALLER.get(path, "town_admin"))
        first = _get(client, path)
        assert first["count"] >= 2, f"{path}: seed at least two rows so its paging is tried"
        assert len(first["items"]) == min(first["count"], 50), path
        second = _get(client, path, page=2)
        assert second["count"] == first["count"], path
        assert len(second["items"]) == max(0, min(first["count"] - 50, 50)), path
        one = _get(client, path, page=2, page_size=1)
        assert one["items"] == [first["items"][1]], f"{path}: page 2 of one is the second row"
        past = _get(client, path, page=first["count"] + 1, page_size=1)
        assert (past["items"], past["count"]) == ([], first["count"]), path


@pytest.mark.parametrize("bad", ["0", "two"])
def test_a_bad_page_answers_422_naming_page_on_every_list(personas, document, api_client, bad):
    client = api_client("town_admin")
    for path in list_paths(document):
        response = client.get(path, {"page": bad})
        assert response.status_code == 422, path
        assert [e["field"] for e in response.json()["errors"]] == ["page"], path


def test_a_longer_page_costs_no_more_queries(seeded, document, api_client):
    """No list reads its rows one by one: a page of one row and a page of every seeded row run the
    same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for path in list_paths(document):
        client = api_client(CALLER.get(path, "town_admin"))
        count = _get(client, path)["count"]  # also settles the token's last_used_at
        spent = []
        for size in (1, count):
            with CaptureQueriesContext(connection) as queries:
                _get(client, path, page_size=size)
            spent.append(len(queries))
        assert spent[0] == spent[1], f"{path}: {spent[0]} queries for one row, {spent[1]} for {count}"
