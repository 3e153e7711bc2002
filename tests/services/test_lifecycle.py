"""An application's life cycle through the API, with its clock worked out by hand on the case loop's
calendar (working hours 08:30-12:00 and 14:00-17:30; due soon after 80 % of a step's working time):
a resident applies on a Friday afternoon, is told which material is missing, submits; the step to
accept crosses a weekend and a holiday; the secretary returns it naming a material; the resident
uploads it and resubmits; the town accepts, the time limit (3 working days) crosses a weekend and a
holiday, the application is finished on time and rated."""

import datetime

from gridgov.cases.actions import do_set_holiday
from gridgov.cases.models import Notification
from gridgov.core.models import AuditEntry
from gridgov.services.models import Application, Material

from .conftest import PDF, local, photo

BASE = "/api/v1/services"


def test_life_cycle_with_a_return_and_its_clock(personas, items, clock, api):
    do_set_holiday(None, datetime.date(2026, 3, 9), False, "地方假日")  # Monday
    do_set_holiday(None, datetime.date(2026, 3, 13), False, "地方假日")  # Friday
    resident, secretary = personas.resident_a1, personas.secretary_a
    clock.move_to(local(2026, 3, 6, 16, 0))  # Friday
    r = api(resident).post(f"{BASE}/applications", {"item": "MZ001", "note": "家里两口人"},
                           content_type="application/json")
    assert r.status_code == 201, r.content
    app = r.json()
    assert app["state"] == "draft" and app["still_missing"] == ["户口簿", "身份证", "家庭收入证明"]
    url = f"{BASE}/applications/{app['id']}"
    client = api(resident)
    for name in ("户口簿", "身份证"):
        assert client.post(f"{url}/materials", {"material": name, "file": photo()}).status_code == 201
    r = client.post(f"{url}/actions", {"action": "submit"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["missing"] == ["家庭收入证明"]
    assert "家庭收入证明" in r.json()["detail"]
    assert client.post(f"{url}/materials", {"material": "家庭收入证明",
                                            "file": _file("income.pdf", PDF)}).status_code == 201
    r = client.post(f"{url}/actions", {"action": "submit"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    a = Application.objects.get(pk=app["id"])
    # One working day to accept: Saturday, Sunday and the Monday holiday do not count.
    assert a.deadline == local(2026, 3, 10, 17, 30)
    # 8.5 working hours in the step (Fri 1.5 h + Tue 7 h); 80 % = 6.8 h: Fri 1.5 + Tue morning 3.5 + 1.8 h: Tue 15:48.
    assert a.due_soon_at == local(2026, 3, 10, 15, 48)
    assert a.clock(local(2026, 3, 9, 16, 0)) == "normal"
    assert a.clock(local(2026, 3, 10, 15, 47)) == "normal"
    assert a.clock(local(2026, 3, 10, 15, 48)) == "due_soon"
    assert a.clock(local(2026, 3, 10, 17, 31)) == "overdue"

    clock.move_to(local(2026, 3, 10, 11, 0))
    staff = api(secretary)
    assert staff.post(f"{url}/actions", {"action": "finish"}, content_type="application/json").status_code == 409
    r = staff.post(f"{url}/actions", {"action": "return", "missing": ["身份证", "银行卡"], "note": "身份证照片看不清"},
                   content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "returned" and r.json()["clock"] == "paused"
    note = Notification.objects.get(user=resident, kind="service_returned")
    assert "身份证、银行卡" in note.text
    clock.move_to(local(2026, 3, 11, 9, 0))
    client = api(resident)
    shown = client.get(url).json()
    assert shown["missing"] == ["身份证", "银行卡"] and shown["still_missing"] == ["身份证"]
    r = client.post(f"{url}/actions", {"action": "submit"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["missing"] == ["身份证"]  # the old photo does not count
    assert client.post(f"{url}/materials", {"material": "身份证", "file": photo()}).status_code == 201
    assert client.post(f"{url}/actions", {"action": "submit"}, content_type="application/json").status_code == 200
    assert Application.objects.get(pk=app["id"]).deadline == local(2026, 3, 12, 17, 30)

    clock.move_to(local(2026, 3, 11, 10, 0))
    town = api(personas.town_admin)
    r = town.post(f"{url}/actions", {"action": "accept"}, content_type="application/json")
    assert r.status_code == 200
    a.refresh_from_db()
    # 3 working days after Wednesday: Thursday 12, (Friday 13 a holiday, weekend), Monday 16, Tuesday 17.
    assert a.due_at == a.deadline == local(2026, 3, 17, 17, 30)
    assert town.post(f"{url}/actions", {"action": "accept"}, content_type="application/json").status_code == 409
    assert client.post(f"{url}/materials", {"material": "身份证", "file": photo()}).status_code == 409
    assert town.post(f"{url}/actions", {"action": "process"}, content_type="application/json").status_code == 200
    clock.move_to(local(2026, 3, 17, 17, 0))
    town = api(personas.town_admin)
    r = town.post(f"{url}/actions", {"action": "finish"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "done" and r.json()["on_time"] is True
    client = api(resident)
    assert client.post(f"{url}/actions", {"action": "rate", "rating": 6},
                       content_type="application/json").status_code == 422
    assert client.post(f"{url}/actions", {"action": "rate", "rating": 5},
                       content_type="application/json").json()["rating"] == 5
    assert client.post(f"{url}/actions", {"action": "rate", "rating": 4},
                       content_type="application/json").status_code == 409
    actions = list(AuditEntry.objects.filter(object_type="services.application", object_id=str(a.pk))
                   .values_list("action", flat=True))
    assert sorted(set(actions)) == sorted({"service.apply", "service.material", "service.submit", "service.return",
                                           "service.accept", "service.process", "service.finish", "service.rate"})
    kinds = set(Notification.objects.filter(user=resident).values_list("kind", flat=True))
    assert kinds == {"service_returned", "service_accepted", "service_done"}


def test_late_finish_and_refusal(personas, items, clock, api):
    from gridgov.services import actions

    resident, town = personas.resident_a1, personas.town_admin
    app = actions.do_apply(resident, items.proof)
    actions.do_add_material(resident, app.pk, "身份证", photo())
    actions.do_action(resident, app.pk, "submit")
    actions.do_action(town, app.pk, "accept")  # Monday 10:00: 1 working day, due Tuesday 17:30
    clock.move_to(local(2026, 3, 4, 9, 0))
    assert Application.objects.get(pk=app.pk).clock() == "overdue"
    app = actions.do_action(town, app.pk, "finish")
    assert app.on_time is False
    other = actions.do_apply(resident, items.proof)
    actions.do_add_material(resident, other.pk, "身份证", photo())
    actions.do_action(resident, other.pk, "submit")
    r = api(town).post(f"{BASE}/applications/{other.pk}/actions", {"action": "refuse"},
                       content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    app = actions.do_action(town, other.pk, "refuse", reason="不符合条件")
    assert app.state == "refused" and app.on_time is True


def test_uploads_are_checked_by_content_and_lose_their_exif(personas, items, clock, api):
    from PIL import Image

    client = api(personas.resident_a1)
    app = client.post(f"{BASE}/applications", {"item": "MZ001"}, content_type="application/json").json()
    url = f"{BASE}/applications/{app['id']}/materials"
    fake = _file("id.jpg", b"MZ this is no photo at all")
    r = client.post(url, {"material": "户口簿", "file": fake})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    r = client.post(url, {"material": "户口簿", "file": _file("x.pdf", b"%PDF-1.4 broken")})
    assert r.status_code == 422
    r = client.post(url, {"material": "结婚证", "file": photo()})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "material"
    assert client.post(url, {"material": "户口簿", "file": photo()}).status_code == 201
    stored = Material.objects.get()
    with stored.file.open("rb") as fh:
        image = Image.open(fh)
        assert image.format == "JPEG" and not image.getexif()
    assert Material.objects.count() == 1


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
