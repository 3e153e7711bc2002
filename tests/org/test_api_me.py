"""GET /api/v1/me: the user, their role, the code of their scope and their linked person."""

from gridgov.org.models import User
from tests.conftest import PASSWORD


def test_staff_account(personas, api_client):
    assert api_client("secretary_a").get("/api/v1/me").json() == {
        "user": "secretary_a", "username": "secretary_a", "role": "village_secretary",
        "scope": "445321104201", "scope_name": "碧塘村", "person": None, "is_superuser": False}


def test_grid_worker_is_scoped_to_a_grid_code(personas, api_client):
    body = api_client("worker_a1").get("/api/v1/me").json()
    assert (body["role"], body["scope"]) == ("grid_worker", "445321104201001")


def test_resident_carries_their_person(personas, api_client):
    body = api_client("resident_a1").get("/api/v1/me").json()
    assert (body["user"], body["role"], body["person"]) == ("resident_a1", "resident", personas.town.zhang.pk)
    assert body["scope"] == "445321104201001"


def test_superuser(db, api_client):
    User.objects.create_superuser("root", password=PASSWORD)
    body = api_client("root").get("/api/v1/me").json()
    assert (body["user"], body["role"], body["scope"], body["is_superuser"]) == ("root", "superuser", None, True)
