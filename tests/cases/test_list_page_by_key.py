"""The case list reads a page as the ids of the slice, then those cases (CaseQuerySet.page_by_key): the
pages are the ones a single ordered query gives, with the same items in the same order."""

import pytest

from gridgov.cases.models import Case

pytestmark = pytest.mark.usefixtures("clock")


def test_pages_hold_the_newest_cases_first_as_one_query_would(api_client, report, clock):
    for n in range(7):
        report(description=f"第{n}宗")
    # Two cases at the same instant: the id breaks the tie, as the ordering says.
    report(description="同时一")
    report(description="同时二")
    client = api_client("secretary_a")
    expected = list(Case.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    seen = []
    for page in (1, 2, 3, 4):
        body = client.get(f"/api/v1/cases?page={page}&page_size=3").json()
        assert body["count"] == len(expected)
        seen += [item["id"] for item in body["items"]]
    assert seen == expected


def test_a_page_past_the_end_is_empty(api_client, report):
    report()
    body = api_client("secretary_a").get("/api/v1/cases?page=5&page_size=3").json()
    assert body["items"] == [] and body["count"] == 1
