"""The working calendar on the configuration page: a holiday or make-up workday added there moves the
deadlines counted by cases.calendar, and removing it moves them back."""

import datetime

from gridgov.cases.calendar import add_working_time
from gridgov.cases.models import Holiday
from gridgov.core.models import AuditEntry

from .conftest import local

FRIDAY_16 = local(2026, 3, 6, 16, 0)


def test_a_holiday_added_and_removed_on_the_page_moves_a_deadline(personas, login, clock):
    client = login(personas.town_admin)
    # Friday 16:00 + 3 working hours: 1.5 h on Friday, then Monday 08:30-10:00.
    assert add_working_time(FRIDAY_16, 3, "h") == local(2026, 3, 9, 10, 0)

    response = client.post("/cases/config/calendar/", {"date": "2026-03-09", "is_workday": "0", "name": "测试假日"})
    assert response.status_code == 302
    assert add_working_time(FRIDAY_16, 3, "h") == local(2026, 3, 10, 10, 0)
    assert AuditEntry.objects.filter(action="holiday.set", actor=personas.town_admin).exists()
    page = client.get("/cases/config/?year=2026").content.decode()
    assert "测试假日" in page and "2026-03-09" in page

    response = client.post("/cases/config/calendar/remove/", {"date": "2026-03-09"})
    assert response.status_code == 302
    assert not Holiday.objects.exists()
    assert add_working_time(FRIDAY_16, 3, "h") == local(2026, 3, 9, 10, 0)
    assert AuditEntry.objects.filter(action="holiday.remove", actor=personas.town_admin).exists()


def test_a_make_up_saturday_counts_as_a_workday(personas, login, clock):
    client = login(personas.town_admin)
    response = client.post("/cases/config/calendar/", {"date": "2026-03-07", "is_workday": "1", "name": "调休"})
    assert response.status_code == 302
    assert Holiday.objects.get(date=datetime.date(2026, 3, 7)).is_workday
    assert add_working_time(FRIDAY_16, 3, "h") == local(2026, 3, 7, 10, 0)


def test_the_calendar_lists_only_the_chosen_year(personas, login, clock):
    client = login(personas.town_admin)
    client.post("/cases/config/calendar/", {"date": "2026-10-01", "is_workday": "0", "name": "国庆节"})
    client.post("/cases/config/calendar/", {"date": "2027-01-01", "is_workday": "0", "name": "元旦"})
    assert [d.name for d in client.get("/cases/config/?year=2026").context["holidays"]] == ["国庆节"]
    assert [d.name for d in client.get("/cases/config/?year=2027").context["holidays"]] == ["元旦"]


def test_a_bad_date_is_refused_and_nothing_saved(personas, login, clock):
    response = login(personas.town_admin).post("/cases/config/calendar/", {"date": "2026-02-30", "is_workday": "0"})
    assert response.status_code == 400 and "date" in response.context["holiday_form"].errors
    assert not Holiday.objects.exists()
