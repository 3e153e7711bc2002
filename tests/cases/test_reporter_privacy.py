"""Privacy inside the village (issue 17, finding 8): a party member taking an order from the pool, or a
department handling it, learns the place and the problem, not who complained; the reporter and the
staff who may see personal data still read the name. Duplicate suggestions list only the cases the
viewer may open, and count the others."""

import html

import pytest

from gridgov.cases import actions
from gridgov.org import actions as org_actions

from .conftest import POINT_A1

REPORTER = "张建国"  # resident_a1's person


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def pooled(personas, report):
    """A resident's report, rated nothing yet, published to the village's order pool by the grid worker."""
    case = actions.do_accept(personas.worker_a1, report())
    actions.do_comment(personas.resident_a1, case, text="巷口东边那堆")
    return actions.do_publish(personas.worker_a1, case)


def test_a_party_member_in_the_pool_does_not_see_the_reporters_name(personas, pooled, login, api_client):
    text = page(login(personas.party_a1), f"/cases/{pooled.pk}/")
    assert REPORTER not in text
    assert text.count("反映人") >= 2  # the report and the comment
    timeline = api_client("party_a1").get(f"/api/v1/cases/{pooled.pk}").json()["timeline"]
    actors = [event["actor"] for event in timeline]
    assert REPORTER not in actors and actors.count("反映人") == 2
    notices = api_client("party_a1").get("/api/v1/notifications").json()["items"]
    assert notices and not [n for n in notices if REPORTER in n["text"]]


def test_a_department_handling_the_case_does_not_see_the_name_either(personas, pooled, api_client):
    timeline = api_client("department").get(f"/api/v1/cases/{pooled.pk}").json()["timeline"]
    assert REPORTER not in [event["actor"] for event in timeline]


@pytest.mark.parametrize("username", ["worker_a1", "secretary_a", "town_admin", "resident_a1"])
def test_staff_and_the_reporter_still_see_the_name(personas, pooled, login, api_client, username):
    user = getattr(personas, username)
    assert REPORTER in page(login(user), f"/cases/{pooled.pk}/")
    actors = [e["actor"] for e in api_client(username).get(f"/api/v1/cases/{pooled.pk}").json()["timeline"]]
    assert actors.count(REPORTER) == 2 and "反映人" not in actors


def test_a_grid_worker_on_patrol_keeps_their_name(personas, report, api_client):
    case = actions.do_publish(personas.worker_a1, actions.do_accept(personas.worker_a1,
                                                                    report(actor=personas.worker_a1)))
    actors = [e["actor"] for e in api_client("party_a1").get(f"/api/v1/cases/{case.pk}").json()["timeline"]]
    assert "反映人" not in actors


@pytest.fixture
def neighbour(personas):
    """Another resident of grid A1 (李秀英) with an account."""
    return org_actions.do_create_user(None, "resident_a1b", "resident", personas.town.a1.code,
                                      password="Grid-Test-2026", person=personas.town.zhang_wife)


def test_suggestions_show_a_resident_only_the_reports_they_may_open(personas, report, neighbour, login,
                                                                    api_client):
    first = report()  # 张建国's
    mine = report(actor=neighbour, point=(POINT_A1[0] + 0.0002, POINT_A1[1]))
    text = page(login(neighbour), f"/cases/{mine.pk}/?new=1")
    assert first.number not in text
    assert 'id="other-duplicates"' in text
    answer = api_client("resident_a1b").get(f"/api/v1/cases/{mine.pk}").json()
    assert answer["duplicates"] == [] and answer["other_duplicates"] == 1
    # Their own earlier report nearby is listed in full.
    again = report(actor=neighbour, point=(POINT_A1[0] + 0.0001, POINT_A1[1]))
    answer = api_client("resident_a1b").get(f"/api/v1/cases/{again.pk}").json()
    assert [d["id"] for d in answer["duplicates"]] == [mine.pk] and answer["other_duplicates"] == 1
    # The grid worker, who may merge them, sees every one.
    staff = api_client("worker_a1").get(f"/api/v1/cases/{again.pk}").json()
    assert {d["id"] for d in staff["duplicates"]} == {first.pk, mine.pk} and staff["other_duplicates"] == 0
    assert first.number in page(login(personas.worker_a1), f"/cases/{again.pk}/")


def test_phone_numbers_in_the_words_reach_the_pool_masked(personas, report, login, api_client):
    case = actions.do_accept(personas.worker_a1, report(description="巷口垃圾，电话13800000011"),
                             note="已联系 13800000011")
    case = actions.do_publish(personas.worker_a1, case)
    text = page(login(personas.party_a1), f"/cases/{case.pk}/")
    assert "13800000011" not in text and "138****0011" in text
    assert "13800000011" not in page(login(personas.party_a1), "/cases/pool/")
    client = api_client("party_a1")
    detail = client.get(f"/api/v1/cases/{case.pk}").json()
    assert detail["description"] == "巷口垃圾，电话138****0011"
    assert [e["note"] for e in detail["timeline"] if e["action"] == "accept"] == ["已联系 138****0011"]
    assert [c["description"] for c in client.get("/api/v1/cases").json()["items"]] == ["巷口垃圾，电话138****0011"]
    # The grid worker, who may call the reporter, reads the number whole.
    assert api_client("worker_a1").get(f"/api/v1/cases/{case.pk}").json()["description"].endswith("13800000011")
