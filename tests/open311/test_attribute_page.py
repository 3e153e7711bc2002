"""The page where town administrators define the extra fields (attributes) of services."""

import pytest

from gridgov.core.models import AuditEntry
from gridgov.open311.models import ServiceAttribute

pytestmark = pytest.mark.django_db
PAGE = "/open311/v2/attributes/"


def test_town_admin_adds_changes_and_removes_a_field(login, personas, cfg, o311):
    client = login(personas.town_admin)
    assert client.get(PAGE).status_code == 200
    assert PAGE in client.get("/open311/v2/keys/").content.decode()
    response = client.post(PAGE, {"category": cfg.garbage.pk, "code": "SIZE", "description": "多少",
                                  "datatype": "singlevaluelist", "values": "s=一袋\nl=一车\n", "required": "on",
                                  "order": 1})
    assert response.status_code == 302
    definition = o311.get("services/0101")[1]
    assert definition["attributes"][0]["values"] == [{"key": "s", "name": "一袋"}, {"key": "l", "name": "一车"}]
    assert definition["attributes"][0]["required"] is True
    client.post(PAGE, {"category": cfg.garbage.pk, "code": "SIZE", "description": "有多少", "datatype": "string",
                       "order": 1})
    attribute = ServiceAttribute.objects.get()
    assert (attribute.description, attribute.datatype, attribute.required) == ("有多少", "string", False)
    assert client.post(f"/open311/v2/attributes/{attribute.pk}/remove/").status_code == 302
    assert not ServiceAttribute.objects.exists()
    assert list(AuditEntry.objects.filter(action__startswith="open311.attribute").order_by("pk")
                .values_list("action", flat=True)) == ["open311.attribute_create", "open311.attribute_update",
                                                       "open311.attribute_remove"]


def test_bad_choices_are_shown_and_nothing_is_saved(login, personas, cfg, english):
    client = login(personas.town_admin)
    response = client.post(PAGE, {"category": cfg.garbage.pk, "code": "SIZE", "description": "多少",
                                  "datatype": "singlevaluelist", "values": "just a name", "order": 1})
    assert response.status_code == 200
    assert "Write each choice as key=name: just a name" in response.content.decode()
    response = client.post(PAGE, {"category": cfg.garbage.pk, "code": "SIZE", "description": "多少",
                                  "datatype": "singlevaluelist", "values": "", "order": 1})
    assert "A list attribute needs its values." in response.content.decode()
    assert not ServiceAttribute.objects.exists()


@pytest.mark.parametrize("who", ["secretary_a", "worker_a1", "resident_a1", "department", "outsider"])
def test_others_may_not(login, personas, cfg, who):
    from gridgov.open311 import actions

    attribute = actions.do_set_attribute(None, cfg.garbage, "DAYS", "几天", "number")
    client = login(getattr(personas, who))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"category": cfg.garbage.pk, "code": "X", "description": "x", "datatype": "string",
                              "order": 1}).status_code == 403
    assert client.post(f"/open311/v2/attributes/{attribute.pk}/remove/").status_code == 403
    assert list(ServiceAttribute.objects.values_list("code", flat=True)) == ["DAYS"]
