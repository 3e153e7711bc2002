import datetime

from django.utils import timezone

from gridgov.core.models import AuditEntry
from gridgov.org import actions


def test_town_admin_browses_the_writes_in_the_town(personas, login):
    response = login(personas.town_admin).get("/audit/")
    entries = list(response.context["page"])
    assert {"household.create", "person.create", "grid.create"} <= {e.action for e in entries}
    assert all(e.path.startswith(personas.town_admin.scope_path) for e in entries)
    assert "碧塘村一巷1号" in response.content.decode()


def test_rows_of_another_town_stay_hidden(personas, login):
    other_town = actions.do_create_region(None, "445321105000", "天堂镇", parent=personas.town.county)
    actions.do_create_region(None, "445321105201", "朗村", parent=other_town)
    response = login(personas.town_admin).get("/audit/", {"action": "region.create"})
    assert {e.object_repr for e in response.context["page"]} == {"东成镇", "碧塘村", "都斛村"}
    assert "朗村" not in response.content.decode() and "天堂镇" not in response.content.decode()


def test_filters_by_action_actor_object_and_date(personas, login):
    town = personas.town
    actions.do_reveal_personal(personas.worker_a1, town.zhang, "phone")
    client = login(personas.town_admin)
    assert [e.action for e in client.get("/audit/", {"action": "person.reveal"}).context["page"]] == [
        "person.reveal_phone"]
    assert [e.actor_name for e in client.get("/audit/", {"actor": "worker_a1"}).context["page"]] == ["worker_a1"]
    assert {e.object_repr for e in client.get("/audit/", {"object": "李秀英"}).context["page"]} == {"李秀英"}
    today = timezone.localdate()
    assert client.get("/audit/", {"date_from": today.isoformat()}).context["page"].paginator.count > 0
    tomorrow = today + datetime.timedelta(days=1)
    assert client.get("/audit/", {"date_from": tomorrow.isoformat()}).context["page"].paginator.count == 0
    yesterday = today - datetime.timedelta(days=1)
    assert client.get("/audit/", {"date_to": yesterday.isoformat()}).context["page"].paginator.count == 0


def test_a_bad_date_is_reported_not_crashed_on(personas, login):
    response = login(personas.town_admin).get("/audit/", {"date_from": "2026-13-40"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]


def test_changes_show_only_changed_fields(personas, login):
    grid = personas.town.a1
    actions.do_set_grid_geometry(personas.town_admin, grid, None)
    entry = login(personas.town_admin).get("/audit/", {"action": "grid.geometry"}).context["page"][0]
    assert [key for key, _old, _new in entry.changes] == ["边界"]  # the field's name, not its code


def test_entries_are_paginated(personas, login):
    assert AuditEntry.objects.count() > 20
    page = login(personas.town_admin).get("/audit/").context["page"]
    assert len(page) == min(50, page.paginator.count)
