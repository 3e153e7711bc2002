"""The demo part builds the catalogue, applications in every state and booked slots from any reference
moment: nothing is dated after it, clocks run only on open applications, slots hold their capacity."""

import datetime

import pytest

from gridgov.services import catalogue, demo
from gridgov.services.models import Application, Booking, ServiceItem, Slot

from .conftest import local


@pytest.mark.parametrize("now", [local(2026, 12, 31, 0, 0), local(2027, 1, 4, 0, 0), local(2026, 3, 1, 0, 0),
                                 local(2028, 2, 29, 0, 0)])
def test_demo_for_any_day(personas, now):
    line = demo.build(now, 25)
    assert str(len(catalogue.rows())) in line
    assert 140 <= ServiceItem.objects.count() <= 170
    apps = Application.objects.all()
    assert set(apps.values_list("state", flat=True)) == {"draft", "submitted", "returned", "accepted", "processing",
                                                         "done", "refused"}
    for field in ("created_at", "submitted_at", "accepted_at", "finished_at", "rated_at"):
        assert not apps.filter(**{f"{field}__gt": now}).exists(), field
    assert not apps.filter(state__in=["done", "refused"], on_time__isnull=True).exists()
    assert not apps.filter(state__in=["submitted", "accepted", "processing"], deadline__isnull=True).exists()
    assert apps.filter(state="returned").exclude(missing=[]).count() == apps.filter(state="returned").count()
    assert apps.filter(rating__isnull=False).exists() and apps.filter(on_time=False).exists()
    for slot in Slot.objects.all():
        assert slot.start > now and slot.booked == Booking.objects.filter(slot=slot).count() <= slot.capacity
    assert Booking.objects.exists()
    assert (now - apps.order_by("created_at").first().created_at) <= datetime.timedelta(days=demo.DAYS + 12)
