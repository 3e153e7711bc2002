"""The worker's reminders of village affairs: the secretaries of the scheduled disclosures their village has
not published by the due day (once per village, kind and period), the town's admins once a month of every
village's, the secretaries of each question past its due day unanswered (once per question); however often
the worker ticks, across month, quarter and year ends."""

import datetime
from datetime import date as D

import pytest

from gridgov.affairs import actions, reminders
from gridgov.affairs.models import Reminder
from gridgov.cases.models import Notification, Outbox
from gridgov.core import jobs
from tests.meetings.conftest import local

pytestmark = pytest.mark.django_db

TABLE = [{"item": "保洁费", "expense": "800"}]


def sweep(day: D, hour: int = 10, times: int = 2) -> list:
    """The worker's ticks on `day` (twice by default: the second must send nothing)."""
    jobs.discover()
    return [jobs.PERIODIC["affairs.remind"](local(day.year, day.month, day.day, hour)) for _ in range(times)]


def notices(kind: str, username: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind, user__username=username).order_by("pk"))


def overdue_keys(village) -> set[str]:
    return {k.split(":", 2)[2] for k in Reminder.objects.filter(key__startswith=f"overdue:{village.path}:")
            .values_list("key", flat=True)}


def publish_year(secretary, village, at, until: D):  # noqa: F811
    """The village published every finance month and village-affairs quarter due before `until`, on time."""
    from gridgov.affairs import schedule

    for frequency, kind in (("month", "finance"), ("quarter", "village")):
        for period, due in schedule.owed(frequency, until - datetime.timedelta(days=400), until, 10):
            at(due.year, due.month, due.day)
            actions.do_publish(secretary, village, kind, f"{period}公开", period=period, body="公开内容",
                               table=TABLE if kind == "finance" else None)


def test_overdue_disclosures_across_a_month_and_a_quarter_end(personas, at):  # noqa: F811
    p, town = personas, personas.town
    publish_year(p.secretary_a, town.village_a, at, D(2026, 3, 9))
    # 10 March: February's finances are due today, nothing overdue in village A; village B never published.
    at(2026, 3, 10)
    first, second = sweep(D(2026, 3, 10))
    assert first["overdue"] == 1 and second == {"overdue": 0, "towns": 0, "unanswered": 0}
    assert notices(reminders.OVERDUE, "secretary_a") == []
    told_b = notices(reminders.OVERDUE, "outsider")  # village B's secretary
    assert len(told_b) == 1 and told_b[0].text.startswith("都斛村有16项三务公开逾期未公开：财务公开 2026-01（应于2026-02-10前公开）、")
    assert len(overdue_keys(town.village_b)) == 16  # twelve months and four quarters of the year
    assert Outbox.objects.filter(notification__kind=reminders.OVERDUE).exists()
    # 11 March: February's are overdue in both villages; village B is told of that one only.
    at(2026, 3, 11)
    sweep(D(2026, 3, 11))
    a = notices(reminders.OVERDUE, "secretary_a")
    assert len(a) == 1 and a[0].data["overdue"] == ["finance:2026-02"] and "2026-03-10" in a[0].text
    b = notices(reminders.OVERDUE, "outsider")
    assert len(b) == 2 and b[1].data["overdue"] == ["finance:2026-02"]
    # Village A publishes February's late; March and the first quarter, due 10 April, are not published.
    actions.do_publish(p.secretary_a, town.village_a, "finance", "2月财务", period="2026-02", table=TABLE)
    for day in (D(2026, 3, 12), D(2026, 4, 10)):
        at(day.year, day.month, day.day)
        sweep(day)
    assert len(notices(reminders.OVERDUE, "secretary_a")) == 1
    # 11 April: a month and a quarter end together, in one notice.
    at(2026, 4, 11)
    sweep(D(2026, 4, 11))
    a = notices(reminders.OVERDUE, "secretary_a")
    assert len(a) == 2 and a[1].data["overdue"] == ["finance:2026-03", "village:2026Q1"]
    assert "村务公开 2026Q1" in a[1].text
    assert overdue_keys(town.village_a) == {"finance:2026-02", "finance:2026-03", "village:2026Q1"}
    assert Reminder.objects.get(key=f"overdue:{town.village_a.path}:finance:2026-03").recipients == 1


def test_overdue_across_the_year_end(personas, at):  # noqa: F811
    p, a = personas, personas.town.village_a
    publish_year(p.secretary_a, a, at, D(2027, 1, 9))
    for day in (D(2026, 12, 31), D(2027, 1, 1), D(2027, 1, 10)):
        at(day.year, day.month, day.day)
        sweep(day)
    assert notices(reminders.OVERDUE, "secretary_a") == []
    at(2027, 1, 11)
    sweep(D(2027, 1, 11))
    told = notices(reminders.OVERDUE, "secretary_a")
    assert len(told) == 1 and told[0].data["overdue"] == ["finance:2026-12", "village:2026Q4"]


def test_the_town_is_told_once_a_month(personas, at):  # noqa: F811
    p, town = personas, personas.town
    publish_year(p.secretary_a, town.village_a, at, D(2026, 6, 9))
    # Before the 11th, last month's disclosures may still come: no digest.
    at(2026, 6, 10)
    assert sweep(D(2026, 6, 10))[0]["towns"] == 0
    for day in (D(2026, 6, 11), D(2026, 6, 12), D(2026, 6, 30)):
        at(day.year, day.month, day.day)
        sweep(day, times=3)
    told = notices(reminders.TOWN_OVERDUE, "town_admin")
    assert len(told) == 1 and told[0].data == {"town": town.town.code, "month": "2026-06", "overdue": 18,
                                                "link": "/affairs/"}
    # Village A missed May's finances; village B all sixteen of the year and May's too.
    assert "2个村（社区）共有18项" in told[0].text and "碧塘村1项" in told[0].text and "都斛村17项" in told[0].text
    at(2026, 7, 11)
    sweep(D(2026, 7, 11))
    assert [n.data["month"] for n in notices(reminders.TOWN_OVERDUE, "town_admin")] == ["2026-06", "2026-07"]
    # Nobody else hears the town's digest; a village secretary is not told of another village.
    assert not Notification.objects.filter(kind=reminders.TOWN_OVERDUE).exclude(user__username="town_admin").exists()
    assert all("都斛村" not in n.text for n in notices(reminders.OVERDUE, "secretary_a"))


def test_a_town_due_on_the_periods_last_day_is_told_on_the_first(personas, at):  # noqa: F811
    p, town = personas, personas.town
    at(2026, 3, 1)
    actions.do_set_settings(p.town_admin, town.town, due_days=0)
    assert reminders.town_digest_day(D(2026, 4, 1), 0) == D(2026, 4, 1)
    assert reminders.town_digest_day(D(2026, 4, 1), 10) == D(2026, 4, 11)
    assert reminders.town_digest_day(D(2026, 3, 1), 45) == D(2026, 3, 31)  # February's due 14 April: the month's end
    publish_year(p.secretary_a, town.village_a, at, D(2026, 3, 30))
    at(2026, 3, 31)  # March's finances and the first quarter are due today, the period's last day
    actions.do_publish(p.secretary_a, town.village_a, "finance", "3月财务", period="2026-03", table=TABLE)
    at(2026, 4, 1)
    sweep(D(2026, 4, 1))
    a = notices(reminders.OVERDUE, "secretary_a")
    assert len(a) == 1 and a[0].data["overdue"] == ["village:2026Q1"]
    assert notices(reminders.TOWN_OVERDUE, "town_admin")[0].data["month"] == "2026-04"


def test_unanswered_questions_once_each_across_the_year_end(personas, at):  # noqa: F811
    p, a = personas, personas.town.village_a
    at(2026, 12, 20)
    item = actions.do_publish(p.secretary_a, a, "party", "发展党员公示", body="拟发展对象公示")
    at(2026, 12, 28)
    late = actions.do_ask(p.resident_a1, item, "公示期多长？")  # due 4 January
    answered = actions.do_ask(p.resident_a1, item, "谁是发展对象？")
    assert late.due_on == D(2027, 1, 4)
    at(2026, 12, 30)
    actions.do_answer(p.secretary_a, answered, "名单见公示")
    for day in (D(2026, 12, 31), D(2027, 1, 1), D(2027, 1, 4)):
        at(day.year, day.month, day.day)
        sweep(day)
    assert notices(reminders.UNANSWERED, "secretary_a") == []
    for day in (D(2027, 1, 5), D(2027, 1, 6)):
        at(day.year, day.month, day.day)
        sweep(day, hour=0)
        sweep(day, hour=23)
    told = notices(reminders.UNANSWERED, "secretary_a")
    assert len(told) == 1 and told[0].data["question"] == late.pk and "2027-01-04" in told[0].text
    assert "发展党员公示" in told[0].text and "公示期多长" not in told[0].text  # the asker's words stay on the page
    assert not Notification.objects.filter(kind=reminders.UNANSWERED).exclude(user__username="secretary_a").exists()


def test_a_second_worker_sends_nothing_twice(personas, at):  # noqa: F811
    """Two workers sweeping the same day (the day's mark not yet written by either): every notice is keyed."""
    p, a = personas, personas.town.village_a
    at(2026, 5, 1)
    item = actions.do_publish(p.secretary_a, a, "party", "党费收缴情况", body="党费公开")
    actions.do_ask(p.resident_a1, item, "交了多少？")
    at(2026, 5, 20)
    now = local(2026, 5, 20, 9)
    first, second = reminders.remind_unanswered(now), reminders.remind_unanswered(now)
    assert (first, second) == ({"unanswered": 1}, {"unanswered": 0})
    day = reminders.remind(now)
    assert day["unanswered"] == 0 and day["overdue"] == 2  # both villages' April finances, due 10 May
    Reminder.objects.filter(key__startswith="sweep:").delete()  # as if the day's mark were not yet written
    assert reminders.remind(now) == {"overdue": 0, "towns": 0, "unanswered": 0}
    assert len(notices(reminders.UNANSWERED, "secretary_a")) == 1
    # A key another worker wrote while this one was reading: the notice is not sent again.
    assert reminders._once(["unanswered:999999", f"overdue:{a.path}:finance:2026-04"], [p.secretary_a.pk],
                           reminders.OVERDUE, "x", now, {}) == -1
    assert not Reminder.objects.filter(key="unanswered:999999").exists()
