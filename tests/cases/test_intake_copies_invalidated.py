"""A report reads its category and grid from the process's copies (cases/memo.py) and its token from
the database (issue 18): whatever is changed is seen by the very next report, in a process that trusts
its copies for the production interval (hot_process). The changes and the reports are real requests."""

import pytest

from gridgov.cases.models import Case
from gridgov.org.models import Grid

from .conftest import POINT_A1

pytestmark = pytest.mark.usefixtures("cfg", "clock", "hot_process")


def post(client, **fields):
    body = {"category": "0101", "description": "路灯坏了", "lat": POINT_A1[0], "lng": POINT_A1[1], **fields}
    return client.post("/api/v1/cases", body, content_type="application/json")


def _edit_garbage(client, **fields):
    data = {"edit-name": "垃圾清运", "edit-handling_level": "grid", "edit-limit_unit": "h", "edit-accept_limit": 2,
            "edit-dispatch_limit": 2, "edit-handle_limit": 8, "edit-verify_limit": 4, "edit-is_active": "on"}
    data.update({f"edit-{key}": value for key, value in fields.items()})
    response = client.post("/cases/config/categories/0101/", data)
    assert response.status_code == 302, response.content[:500]


def test_a_revoked_token_is_refused_by_the_next_report(api_client):
    client = api_client("worker_a1")
    assert post(client).status_code == 201
    token_id = client.get("/api/v1/auth/tokens").json()["items"][0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{token_id}").status_code == 204
    assert post(client).status_code == 401


def test_a_deactivated_account_is_refused_by_the_next_report(api_client, personas):
    client = api_client("worker_a1")
    assert post(client).status_code == 201
    personas.worker_a1.is_active = False
    personas.worker_a1.save(update_fields=["is_active"])
    assert post(client).status_code == 401


def test_a_renamed_category_is_named_anew_by_the_next_report(api_client, personas, login):
    client = api_client("worker_a1")
    assert post(client).json()["category_name"] == "垃圾清运"
    _edit_garbage(login(personas.town_admin), name="垃圾清运与转运", handle_limit=12)
    answer = post(client).json()
    assert answer["category_name"] == "垃圾清运与转运"
    case = Case.objects.select_related("category").get(pk=answer["id"])
    assert case.category.handle_limit == 12


def test_a_disabled_category_refuses_the_next_report_and_an_enabled_one_takes_it(api_client, personas, login):
    client, admin = api_client("worker_a1"), login(personas.town_admin)
    assert post(client).status_code == 201
    _edit_garbage(admin, is_active="")
    refused = post(client)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "category"
    _edit_garbage(admin, is_active="on")
    assert post(client).status_code == 201


def test_a_grid_renamed_or_moved_is_seen_by_the_next_report(api_client, personas):
    client = api_client("worker_a1")
    first = post(client).json()
    grid = Grid.objects.get(code=first["grid"])
    grid.name = "碧塘村第1网格（新）"
    grid.save()
    assert post(client).json()["grid_name"] == "碧塘村第1网格（新）"
    # A grid's path is its place in the tree: moved out of the worker's reach, the next report there is
    # refused; moved back, it is filed under the path the grid has then.
    old_path = grid.path
    grid.path = old_path.replace(".g", ".x", 1)
    grid.save()
    refused = post(client)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "lat"
    grid.path = old_path
    grid.save()
    back = post(client)
    assert back.status_code == 201
    assert Case.objects.get(pk=back.json()["id"]).path == old_path


def test_a_grid_code_given_by_hand_is_read_anew_after_a_change(api_client, personas):
    client = api_client("worker_a1")
    code = personas.town.a1.code
    assert post(client, lat=None, lng=None, grid=code).json()["grid_name"] == personas.town.a1.name
    Grid.objects.filter(pk=personas.town.a1.pk).get().save()  # saved unchanged: the copies are dropped anyway
    grid = Grid.objects.get(pk=personas.town.a1.pk)
    grid.name = "改名的网格"
    grid.save()
    assert post(client, lat=None, lng=None, grid=code).json()["grid_name"] == "改名的网格"


def test_the_grid_workers_told_of_a_report_follow_appointments_and_deactivations_at_once(api_client, personas):
    from gridgov.cases.models import Notification
    from gridgov.org import actions as org_actions

    client = api_client("resident_a1")

    def told(answer) -> set:
        return set(Notification.objects.filter(case_id=answer.json()["id"], kind="reported")
                   .values_list("user__username", flat=True))

    assert told(post(client)) == {"worker_a1"}
    org_actions.do_create_user(None, "worker_a1_new", "grid_worker", personas.town.a1.code)
    assert told(post(client)) == {"worker_a1", "worker_a1_new"}
    personas.worker_a1.is_active = False
    personas.worker_a1.save(update_fields=["is_active"])
    assert told(post(client)) == {"worker_a1_new"}
