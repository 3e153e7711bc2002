"""Appointment slots: the capacity holds when many book at once. On PostgreSQL 20 residents book the 5
places of one slot in parallel (each thread its own connection) and exactly 5 bookings exist; on SQLite,
which serialises writers, the same calls run one after another with the same answer."""

import datetime

import pytest

from gridgov.org.actions import do_create_person, do_create_user
from gridgov.services import actions
from gridgov.services.actions import ServiceError
from gridgov.services.models import Booking, Slot
from tests.points.test_parallel_redemptions import _run_all


def _slot(personas, capacity):
    from gridgov.core import clock

    start = clock.now() + datetime.timedelta(days=2)
    return actions.do_create_slot(None, personas.town.town, start, start + datetime.timedelta(hours=1), capacity,
                                  "镇便民服务中心1号窗口")


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_bookings_for_five_places(personas):
    slot = _slot(personas, 5)
    users = []
    for i in range(20):
        person = do_create_person(None, name=f"村民{i:02d}", grid=personas.town.a1)
        users.append(do_create_user(None, f"booker{i:02d}", "resident", person.grid.code, person=person))
    statuses = []

    def book(user):
        try:
            return actions.do_book(user, slot.pk)
        except ServiceError as exc:  # the shared runner knows the points app's error only
            statuses.append(exc.status)
            return None

    got, _none, errors = _run_all([lambda u=u: book(u) for u in users])
    wins = [w for w in got if w is not None]
    assert errors == []
    assert len(wins) == 5 and sorted(statuses) == [409] * 15
    assert Booking.objects.filter(slot=slot).count() == 5
    assert Slot.objects.get(pk=slot.pk).booked == 5


def test_booking_rules(personas, api):
    slot = _slot(personas, 2)
    client = api(personas.resident_a1)
    url = f"/api/v1/services/slots/{slot.pk}/bookings"
    assert client.get("/api/v1/services/slots").json()["items"][0]["free"] == 2
    assert client.post(url, {}, content_type="application/json").status_code == 201
    assert client.post(url, {}, content_type="application/json").status_code == 409  # once per person
    worker = api(personas.worker_a1)
    r = worker.post(url, {"for_person": personas.town.zhang_wife.pk}, content_type="application/json")
    assert r.status_code == 201 and r.json()["person"] == personas.town.zhang_wife.pk
    r = worker.post(url, {"for_person": personas.town.wang.pk}, content_type="application/json")
    assert r.status_code == 409  # full
    assert Slot.objects.get(pk=slot.pk).booked == 2
    assert api(personas.outsider).post(url, {"for_person": personas.town.zhang.pk},
                                       content_type="application/json").status_code == 404
    r = api(personas.town_admin).post("/api/v1/services/slots", {
        "start": "2026-12-10T09:00:00+08:00", "end": "2026-12-10T08:00:00+08:00", "capacity": 3},
        content_type="application/json")
    assert r.status_code == 422
    assert api(personas.secretary_a).post("/api/v1/services/slots", {
        "start": "2026-12-10T09:00:00+08:00", "end": "2026-12-10T10:00:00+08:00", "capacity": 3},
        content_type="application/json").status_code == 404


def test_slot_pages(personas, login):
    admin = login(personas.town_admin)
    r = admin.post("/services/slots/", {"open": "1", "day": "2099-01-05", "start": "09:00", "end": "10:00",
                                        "capacity": "1", "place": "一号窗口"})
    assert r.status_code == 302
    slot = Slot.objects.get()
    resident = login(personas.resident_a1)
    assert "一号窗口" in resident.get("/services/slots/").content.decode()
    resident.post("/services/slots/", {"slot": slot.pk})
    assert Booking.objects.filter(slot=slot, person=personas.town.zhang).exists()
    assert "张建国" in admin.get("/services/slots/").content.decode()
    login(personas.secretary_a).post("/services/slots/", {"open": "1", "day": "2099-01-06", "start": "09:00",
                                                           "end": "10:00", "capacity": "3"})
    assert Slot.objects.count() == 1  # only the town opens slots
    booking = Booking.objects.get()
    resident.post("/services/slots/", {"cancel": booking.pk})
    assert not Booking.objects.exists() and Slot.objects.get().booked == 0
