"""Handling units on the configuration page: creating one with members and changing its members go
through the actions (audited); accounts that do not work where the unit does are refused."""

from gridgov.cases.models import Unit
from gridgov.core.models import AuditEntry


def test_creating_a_unit_with_members(personas, cfg, login):
    client = login(personas.town_admin)
    response = client.post("/cases/config/units/new/", {
        "code": "U-AJ", "name": "安监站", "kind": "department", "region": personas.town.town.pk,
        "members": [personas.department.pk, personas.town_admin.pk]})
    assert response.status_code == 302
    unit = Unit.objects.get(code="U-AJ")
    assert set(unit.members.all()) == {personas.department, personas.town_admin}
    assert AuditEntry.objects.filter(action="case_unit.create", object_id=str(unit.pk),
                                     actor=personas.town_admin).exists()


def test_a_village_committee_must_belong_to_a_village(personas, cfg, login):
    response = login(personas.town_admin).post("/cases/config/units/new/", {
        "code": "U-X", "name": "错位村委会", "kind": "village", "region": personas.town.town.pk})
    assert response.status_code == 400 and "kind" in response.context["unit_form"].errors
    assert not Unit.objects.filter(code="U-X").exists()


def test_setting_members_replaces_them_and_is_audited(personas, cfg, login):
    unit = cfg.village_a_committee
    client = login(personas.town_admin)
    response = client.post(f"/cases/config/units/{unit.code}/members/",
                           {f"u{unit.pk}-members": [personas.worker_a1.pk]})
    assert response.status_code == 302
    assert list(unit.members.all()) == [personas.worker_a1]
    entry = AuditEntry.objects.get(action="case_unit.members", object_id=str(unit.pk))
    assert entry.before == {"members": [personas.secretary_a.pk]}
    assert entry.after == {"members": [personas.worker_a1.pk]}


def test_an_account_from_another_village_is_refused_and_members_stay(personas, cfg, login):
    unit = cfg.village_a_committee
    response = login(personas.town_admin).post(f"/cases/config/units/{unit.code}/members/",
                                               {f"u{unit.pk}-members": [personas.outsider.pk]})
    assert response.status_code == 400
    assert "outsider" in response.content.decode()
    assert list(unit.members.all()) == [personas.secretary_a]


def test_a_units_members_form_loads_when_the_unit_is_opened(personas, cfg, login):
    """The page carries no members form (each lists every account); opening a unit fetches its own,
    with the current members ticked, and only for those who configure."""
    unit = cfg.village_a_committee
    client = login(personas.town_admin)
    page = client.get("/cases/config/").content.decode()
    assert f'name="u{unit.pk}-members"' not in page
    assert f'hx-get="/cases/config/units/{unit.code}/members/"' in page
    form = client.get(f"/cases/config/units/{unit.code}/members/")
    assert form.status_code == 200
    assert form.context["form"].initial["members"] == list(unit.members.values_list("pk", flat=True))
    assert f'name="u{unit.pk}-members"' in form.content.decode()
    assert login(personas.worker_a1).get(f"/cases/config/units/{unit.code}/members/").status_code in (403, 404)
