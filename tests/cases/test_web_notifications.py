"""The in-app inbox at /cases/notifications/: the user's own notifications only, unread first, linked to
their cases, paginated; "mark all read" clears them and the menu's unread count follows."""

import datetime
import re

from django.utils import timezone

from gridgov.cases import actions
from gridgov.cases.models import Notification


def _badge(client) -> str | None:
    html = client.get("/").content.decode()
    link = re.search(r'<a href="/cases/notifications/" id="menu-notifications">(.*?)</a>', html, re.S)
    assert link, "the notifications link is in the menu of every logged-in page"
    count = re.search(r'class="badge"[^>]*>(\d+)<', link.group(1))
    return count.group(1) if count else None


def test_each_user_sees_only_their_own_notifications(personas, report, login):
    case = report()
    actions.do_accept(personas.worker_a1, case)
    worker_page = login(personas.worker_a1).get("/cases/notifications/")
    resident_page = login(personas.resident_a1).get("/cases/notifications/")
    worker_rows = list(worker_page.context["page"].object_list)
    resident_rows = list(resident_page.context["page"].object_list)
    assert worker_rows and all(n.user == personas.worker_a1 for n in worker_rows)
    assert resident_rows and all(n.user == personas.resident_a1 for n in resident_rows)
    assert {n.kind for n in worker_rows} == {"reported"} and {n.kind for n in resident_rows} == {"accepted"}
    assert f'href="/cases/{case.pk}/"' in worker_page.content.decode()
    assert login(personas.outsider).get("/cases/notifications/").context["page"].paginator.count == 0


def test_unread_come_first_and_the_list_is_paginated(personas, login):
    user = personas.worker_a1
    now = timezone.now()
    for i in range(25):
        Notification.objects.create(user=user, kind="test", text=f"note {i}",
                                    created_at=now - datetime.timedelta(minutes=i),
                                    read_at=now if i < 20 else None)
    client = login(user)
    first = client.get("/cases/notifications/").context["page"]
    assert first.paginator.num_pages == 2
    assert [n.text for n in first.object_list[:5]] == [f"note {i}" for i in range(20, 25)]
    assert first.object_list[5].text == "note 0"
    second = client.get("/cases/notifications/?page=2").context["page"]
    assert [n.text for n in second.object_list] == [f"note {i}" for i in range(15, 20)]


def test_mark_all_read_clears_only_the_users_own_and_the_menu_count(personas, report, login):
    report()
    report(description="路灯不亮")
    Notification.objects.create(user=personas.secretary_a, kind="test", text="someone else's")
    client = login(personas.worker_a1)
    assert _badge(client) == "2"
    response = client.post("/cases/notifications/read/")
    assert response.status_code == 302
    assert not Notification.objects.filter(user=personas.worker_a1, read_at__isnull=True).exists()
    assert Notification.objects.get(user=personas.secretary_a).read_at is None
    assert _badge(client) is None
    assert _badge(login(personas.secretary_a)) == "1"


def test_marking_read_needs_a_post(personas, report, login):
    report()
    assert login(personas.worker_a1).get("/cases/notifications/read/").status_code == 405
    assert Notification.objects.filter(user=personas.worker_a1, read_at__isnull=True).count() == 1


def test_the_menu_count_costs_one_query(personas, report, login, django_assert_num_queries):
    from django.test import RequestFactory

    from gridgov.cases.context import unread_notifications

    report()
    request = RequestFactory().get("/")
    request.user = personas.worker_a1
    count = unread_notifications(request)["unread_notifications"]
    with django_assert_num_queries(1):
        assert (count(), count()) == (1, 1)
