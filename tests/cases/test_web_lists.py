"""The lists per role are scoped, the boards are for staff, the outsider sees nothing of village A, and a
list page costs the same number of queries whatever its length."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from gridgov.cases import actions

from .conftest import POINT_B1

pytestmark = pytest.mark.usefixtures("english")

LISTS = ["/cases/mine/", "/cases/inbox/?tab=assess", "/cases/inbox/?tab=handle", "/cases/inbox/?tab=verify",
         "/cases/pool/", "/cases/orders/", "/cases/dispatch/", "/cases/supervision/"]


def photo_file():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 200, 10)).save(out, "JPEG")
    out.seek(0)
    out.name = "p.jpg"
    return out


def test_outsider_gets_404_on_a_case_of_village_a_its_photo_and_its_actions(personas, report, login):
    case = report()
    photo = actions.do_add_photo(personas.resident_a1, case, photo_file())
    outsider = login(personas.outsider)
    assert outsider.get(f"/cases/{case.pk}/").status_code == 404
    assert outsider.get(f"/cases/photos/{photo.pk}/").status_code == 404
    assert outsider.post(f"/cases/{case.pk}/act/comment/", {"text": "看看"}).status_code == 404
    assert outsider.post(f"/cases/{case.pk}/act/supervise/", {"note": "快点"}).status_code == 404
    for url in LISTS:
        response = outsider.get(url)
        assert response.status_code in (200, 403), url
        assert case.number not in response.content.decode(), url


def test_photos_are_served_only_to_those_who_see_the_case(personas, report, login):
    case = report()
    photo = actions.do_add_photo(personas.resident_a1, case, photo_file())
    response = login(personas.worker_a1).get(f"/cases/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert login(personas.party_a1).get(f"/cases/photos/{photo.pk}/").status_code == 404
    assert login(personas.secretary_a).get(f"/cases/photos/{photo.pk}/").status_code == 200


def test_pages_need_a_login(personas, report):
    from django.test import Client

    case = report()
    for url in LISTS + ["/cases/report/", f"/cases/{case.pk}/"]:
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_boards_are_for_staff_only(personas, login):
    for user in (personas.resident_a1, personas.party_a1):
        client = login(user)
        for url in ("/cases/inbox/", "/cases/dispatch/", "/cases/supervision/"):
            assert client.get(url).status_code == 403, (user.username, url)


def test_my_reports_list_only_mine_with_their_timeline(personas, report, login, drive):
    mine = drive(report(), "accepted")
    other = report(actor=personas.worker_a1, description="巡查发现")
    page = login(personas.resident_a1).get("/cases/mine/").content.decode()
    assert mine.number in page and other.number not in page
    assert "accept" in page.lower() and "Timeline" in page


def test_inbox_tabs_sort_the_workers_cases(personas, report, login, drive):
    to_assess = report(description="待研判")
    to_verify = drive(report(description="待核查"), "resolved")
    mine_to_handle = report(description="我来处理")
    actions.do_accept(personas.worker_a1, mine_to_handle)
    actions.do_dispatch(personas.worker_a1, mine_to_handle, "worker_a1")
    client = login(personas.worker_a1)
    assess = client.get("/cases/inbox/").content.decode()
    handle = client.get("/cases/inbox/?tab=handle").content.decode()
    verify = client.get("/cases/inbox/?tab=verify").content.decode()
    assert to_assess.number in assess and to_verify.number not in assess
    assert mine_to_handle.number in handle and to_assess.number not in handle
    assert to_verify.number in verify and to_assess.number not in verify


def test_party_member_pool_and_orders(personas, report, login, drive):
    pooled = report(description="池中")
    actions.do_accept(personas.worker_a1, pooled)
    actions.do_publish(personas.worker_a1, pooled)
    taken = drive(report(description="已接"), "in_progress")
    client = login(personas.party_a1)
    pool = client.get("/cases/pool/").content.decode()
    orders = client.get("/cases/orders/").content.decode()
    assert pooled.number in pool and taken.number not in pool
    assert taken.number in orders and pooled.number not in orders


def test_dispatch_board_scope_and_filters(personas, report, login, cfg):
    a = report()
    b = report(actor=personas.outsider, point=POINT_B1, description="都斛村的事")
    neighbours = report(category=cfg.neighbours, description="邻居吵架")
    secretary = login(personas.secretary_a)
    page = secretary.get("/cases/dispatch/").content.decode()
    assert a.number in page and neighbours.number in page and b.number not in page
    page = secretary.get("/cases/dispatch/?category=04").content.decode()
    assert neighbours.number in page and a.number not in page
    page = secretary.get(f"/cases/dispatch/?grid={personas.town.b1.code}").content.decode()
    assert a.number not in page and b.number not in page
    town = login(personas.town_admin).get("/cases/dispatch/").content.decode()
    assert a.number in town and b.number in town


def test_supervision_board_shows_the_clock(personas, report, login, clock):
    late = report(description="超时")
    clock.shift(datetime.timedelta(hours=3))  # past the 2 working hours to assess
    fresh = report(description="刚报")
    page = login(personas.secretary_a).get("/cases/supervision/").content.decode()
    assert page.index(late.number) < page.index(fresh.number)
    assert 'class="tag clock overdue"' in page and 'class="tag clock normal"' in page
    overdue_only = login(personas.secretary_a).get("/cases/supervision/?clock=overdue").content.decode()
    assert late.number in overdue_only and fresh.number not in overdue_only


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("user_name,url", [
    ("resident_a1", "/cases/mine/"),
    ("worker_a1", "/cases/inbox/?tab=assess"),
    ("secretary_a", "/cases/dispatch/"),
    ("town_admin", "/cases/supervision/"),
    ("party_a1", "/cases/pool/"),
])
def test_a_list_costs_the_same_queries_for_2_or_12_cases(personas, report, login, user_name, url):
    def publish_all(cases):
        if "pool" in url:
            for case in cases:
                actions.do_accept(personas.worker_a1, case)
                actions.do_publish(personas.worker_a1, case)

    client = login(getattr(personas, user_name))
    publish_all([report() for _ in range(2)])
    few = _queries(client, url)
    publish_all([report() for _ in range(10)])
    many = _queries(client, url)
    assert many == few
    assert few <= 12
