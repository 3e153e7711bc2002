"""The rows tests/meetings/seeding.py gives the list-shape walk: two meetings and two organisations for
town_admin's lists (GET /api/v1/party/meetings and /party/compliance), paged like every list."""

from tests.cases.conftest import clock  # noqa: F401
from tests.meetings.seeding import two_meetings


def test_two_of_each_list(personas, clock, api_client):  # noqa: F811
    two_meetings(personas)
    client = api_client("town_admin")
    for path in ("/api/v1/party/meetings", "/api/v1/party/compliance"):
        body = client.get(path).json()
        assert body["count"] >= 2, path
        assert client.get(path, {"page": 2, "page_size": 1}).json()["items"] == [body["items"][1]], path
