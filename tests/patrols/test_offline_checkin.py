"""A patrol walked without signal: its check-ins and notes wait on the phone and are sent later, perhaps
more than once; each client_id makes one record, and a check-in keeps the phone's time when the server can
believe it (issue 11). The patrol page answers JSON to the outbox: 201, 200 for a repeat, 400 naming the
field, 404 for someone else's patrol."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.core.models import AuditEntry
from gridgov.org import actions as org_actions
from gridgov.patrols import actions
from gridgov.patrols.models import CheckIn, Note, Visit
from tests.conftest import PASSWORD

from .conftest import POINT_A1, local

CID = "2d1e0f9a-8b7c-4d6e-9f5a-4b3c2d1e0f9a"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")  # as toISOString


def _checkin(client, patrol, time, client_id=CID, **extra):
    body = {"lat": POINT_A1[0], "lng": POINT_A1[1], "accuracy": "9", "client_id": client_id, "time": time, **extra}
    return client.post(f"/patrols/{patrol.pk}/checkin/", body, **JSON)


def test_check_ins_sent_late_and_twice(personas, worker, clock, login):
    patrol = actions.do_start(worker)  # 10:00
    clock.shift(datetime.timedelta(hours=1))  # the signal comes back at 11:00
    phone = login(worker)
    r = _checkin(phone, patrol, _utc(local(2026, 3, 2, 10, 20)))
    assert r.status_code == 201, r.content
    first = r.json()
    checkin = CheckIn.objects.get()
    assert first["id"] == checkin.pk and first["url"] == f"/patrols/{patrol.pk}/" and not first["repeated"]
    assert checkin.time == local(2026, 3, 2, 10, 20) and checkin.counted  # when it was made, not when it arrived
    written = AuditEntry.objects.count()
    r = _checkin(phone, patrol, _utc(local(2026, 3, 2, 10, 20)))
    assert r.status_code == 200 and r.json()["id"] == checkin.pk and r.json()["repeated"]
    assert CheckIn.objects.count() == 1 and Visit.objects.count() == 1 and AuditEntry.objects.count() == written

    # A phone clock the server cannot believe: ahead of now, or before the patrol began — the time it arrives.
    for n, when in enumerate((local(2026, 3, 2, 11, 30), local(2026, 3, 2, 9, 59))):
        r = _checkin(phone, patrol, _utc(when), client_id=f"{n}d1e0f9a-8b7c-4d6e-9f5a-4b3c2d1e0f9a")
        assert r.status_code == 201 and CheckIn.objects.get(pk=r.json()["id"]).time == local(2026, 3, 2, 11, 0)

    # A note with its photo, twice: one note.
    for _ in range(2):
        photo = io.BytesIO()
        Image.new("RGB", (40, 30), "green").save(photo, "JPEG")
        r = phone.post(f"/patrols/{patrol.pk}/note/", {"text": "桥栏松动", "client_id": CID,
                                                       "time": _utc(local(2026, 3, 2, 10, 25)),
                                                       "photo": SimpleUploadedFile("n.jpg", photo.getvalue())}, **JSON)
        assert r.status_code in (200, 201), r.content
    note = Note.objects.get()
    assert note.time == local(2026, 3, 2, 10, 25) and note.photo

    # Finished meanwhile: the repeat is still the first check-in, not a refusal.
    actions.do_finish(worker, patrol)
    assert _checkin(phone, patrol, _utc(local(2026, 3, 2, 10, 20))).status_code == 200

    # Another worker's check-in with the same client_id is theirs.
    other = org_actions.do_create_user(None, "worker_b1", "grid_worker", personas.town.b1.code, password=PASSWORD)
    theirs = actions.do_start(other)
    r = _checkin(login(other), theirs, _utc(local(2026, 3, 2, 11, 0)))
    assert r.status_code == 201 and CheckIn.objects.filter(client_id=CID).count() == 2


def test_bad_input_and_someone_elses_patrol(personas, worker, clock, login):
    patrol = actions.do_start(worker)
    phone = login(worker)
    for extra, field in (({"lat": ""}, "lat"), ({"lng": "200"}, "lng"), ({"time": "昨天"}, "time"),
                         ({"client_id": "42"}, "client_id")):
        r = _checkin(phone, patrol, **{"time": "", **extra})
        assert r.status_code == 400, (extra, r.content)
        assert r.json()["field"] == field and r.json()["detail"]
    r = phone.post(f"/patrols/{patrol.pk}/note/", {"text": "", "client_id": CID}, **JSON)
    assert r.status_code == 400 and r.json()["field"] == "text"
    for user in (personas.outsider, personas.secretary_a):
        r = _checkin(login(user), patrol, "")
        assert r.status_code == 404 and r.json()["detail"]
    assert not CheckIn.objects.exists() and not Note.objects.exists()
    # Without Accept: JSON, the page answers as a form does.
    r = phone.post(f"/patrols/{patrol.pk}/checkin/", {"lat": POINT_A1[0], "lng": POINT_A1[1], "client_id": CID})
    assert r.status_code == 302 and CheckIn.objects.get().client_id is not None


def test_a_problem_and_the_finish_sent_late_and_twice(personas, worker, cfg, clock, login):
    """What the phone kept after the check-ins: a problem reported (one case, one link, however often it
    is sent) and the finish (at the time of the tap, not of its arrival; sent again, it answers the finished
    patrol instead of 409)."""
    from gridgov.cases.models import Case
    from gridgov.patrols.models import Patrol, PatrolCase

    patrol = actions.do_start(worker)  # 10:00
    clock.shift(datetime.timedelta(hours=1))  # the signal comes back at 11:00
    phone = login(worker)
    assert _checkin(phone, patrol, _utc(local(2026, 3, 2, 10, 20))).status_code == 201
    problem = {"category": cfg.garbage.code, "description": "巷口垃圾堆积", "client_id": CID}
    answers = [phone.post(f"/patrols/{patrol.pk}/case/", problem, **JSON) for _ in range(2)]
    assert [r.status_code for r in answers] == [201, 200], answers[0].content
    case = Case.objects.get()
    assert answers[1].json() == {**answers[0].json(), "repeated": True} and answers[0].json()["id"] == case.pk
    assert case.channel == "patrol" and PatrolCase.objects.filter(patrol=patrol, case=case).count() == 1

    finish = {"client_id": "5d1e0f9a-8b7c-4d6e-9f5a-4b3c2d1e0f9a", "time": _utc(local(2026, 3, 2, 10, 40))}
    answers = [phone.post(f"/patrols/{patrol.pk}/finish/", finish, **JSON) for _ in range(2)]
    assert [r.status_code for r in answers] == [201, 200] and answers[1].json()["repeated"]
    patrol.refresh_from_db()
    assert patrol.state == Patrol.State.FINISHED and patrol.finished_at == local(2026, 3, 2, 10, 40)
    # Not from the outbox (no client_id), finishing again is refused as before; a finish the phone dates
    # before its own last check-in ends at that check-in.
    assert phone.post(f"/patrols/{patrol.pk}/finish/", {}, **JSON).status_code == 409
    second = actions.do_start(worker)  # 11:00
    clock.shift(datetime.timedelta(minutes=15))
    _checkin(phone, second, _utc(local(2026, 3, 2, 11, 10)), client_id="6d1e0f9a-8b7c-4d6e-9f5a-4b3c2d1e0f9a")
    early = {"client_id": "7d1e0f9a-8b7c-4d6e-9f5a-4b3c2d1e0f9a", "time": _utc(local(2026, 3, 2, 11, 5))}
    assert phone.post(f"/patrols/{second.pk}/finish/", early, **JSON).status_code == 201
    assert Patrol.objects.get(pk=second.pk).finished_at == local(2026, 3, 2, 11, 10)
    # Someone else's patrol: 404, nothing finished.
    other = login(personas.outsider)
    assert other.post(f"/patrols/{patrol.pk}/finish/", finish, **JSON).status_code == 404
