"""The statistics page opens on the 30 days up to today, whatever the day: on the 1st or the 4th of a
month, on New Year's Day, on New Year's Eve and in a holiday the page shows the cases of the last
30 days, not an empty month so far. The presets (this month, this year) and dates given still work,
and the ledger link carries the days shown."""

import datetime
import re

import pytest

from gridgov.cases.views import LAST_30_DAYS, MONTH, YEAR, stats_window

from .conftest import POINT_B1, local
from .test_web_stats import figure

DAYS = [
    datetime.date(2026, 3, 1),  # the 1st of a month
    datetime.date(2026, 3, 4),  # the 4th, the day the issue saw "0.0%"
    datetime.date(2026, 1, 1),  # New Year's Day: the month and the year so far are one day
    datetime.date(2026, 12, 31),  # New Year's Eve
    datetime.date(2026, 10, 3),  # National Day holiday
    datetime.date(2026, 2, 18),  # Spring Festival
    datetime.date(2028, 2, 29),  # a leap day
]


@pytest.mark.parametrize("today", DAYS)
def test_the_default_is_the_30_days_up_to_today(today):
    assert stats_window(None, None, None, today) == (today - datetime.timedelta(days=29), today)
    assert stats_window(LAST_30_DAYS, None, None, today) == (today - datetime.timedelta(days=29), today)
    assert stats_window(MONTH, None, None, today) == (today.replace(day=1), today)
    assert stats_window(YEAR, None, None, today) == (datetime.date(today.year, 1, 1), today)


def test_dates_given_replace_the_ends_of_the_window():
    today = datetime.date(2026, 3, 4)
    assert stats_window(None, datetime.date(2026, 1, 5), None, today) == (datetime.date(2026, 1, 5), today)
    assert stats_window(YEAR, None, datetime.date(2026, 2, 1), today) == (datetime.date(2026, 1, 1),
                                                                          datetime.date(2026, 2, 1))
    # Ends given the wrong way round are put right rather than showing nothing.
    assert stats_window(None, datetime.date(2026, 3, 31), datetime.date(2026, 3, 1), today) == (
        datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def lead(html: str) -> str:
    return re.search(r'<p class="lead">([^<]*)</p>', html).group(1)


@pytest.mark.parametrize("today", DAYS[:6])
def test_the_page_shows_the_cases_of_the_last_30_days(today, personas, report, drive, clock, login):
    # A case closed three days ago and one accepted a day ago: last month's, or last year's, on the
    # 1st of a month and on New Year's Day.
    clock.move_to(local(today.year, today.month, today.day, 10, 0) - datetime.timedelta(days=3))
    drive(report(), "closed")
    clock.move_to(local(today.year, today.month, today.day, 10, 0) - datetime.timedelta(days=1))
    drive(report(), "accepted")
    clock.move_to(local(today.year, today.month, today.day, 10, 0))
    client = login(personas.secretary_a)
    html = client.get("/cases/stats/").content.decode()
    since = today - datetime.timedelta(days=29)
    assert lead(html).endswith(f"{since:%Y-%m-%d} – {today:%Y-%m-%d}")
    assert figure(html, "accepted") == "2" and figure(html, "closed") == "1"
    assert figure(html, "completion_rate") == "50.0%" and figure(html, "on_time_rate") == "100.0%"
    assert 'id="period-30d" href="?period=30d" aria-current="page"' in html
    assert f"/cases/ledger.xlsx?since={since:%Y-%m-%d}&amp;until={today:%Y-%m-%d}" in html
    # The month so far is still there for whoever wants it; it is empty on the 1st, as it should be.
    month = client.get("/cases/stats/?period=month").content.decode()
    assert lead(month).endswith(f"{today.replace(day=1):%Y-%m-%d} – {today:%Y-%m-%d}")
    if today.day == 1:
        assert figure(month, "accepted") == "0" and figure(month, "completion_rate") == "—"
    year = client.get("/cases/stats/?period=year").content.decode()
    assert lead(year).endswith(f"{today.year}-01-01 – {today:%Y-%m-%d}")


def test_presets_keep_the_scope_and_dates_given_win(personas, report, drive, clock, login):
    drive(report(), "closed")
    village = personas.town.village_a.code
    html = login(personas.town_admin).get(f"/cases/stats/?scope={village}&period=year").content.decode()
    assert f'href="?scope={village}&amp;period=month"' in html
    assert f'id="period-year" href="?scope={village}&amp;period=year" aria-current="page"' in html
    assert lead(html).endswith("2026-01-01 – 2026-03-02") and figure(html, "closed") == "1"
    given = login(personas.town_admin).get("/cases/stats/?period=year&since=2026-03-03&until=2026-03-31")
    text = given.content.decode()
    assert lead(text).endswith("2026-03-03 – 2026-03-31") and figure(text, "closed") == "0"
    assert 'aria-current="page"' not in text.split('class="tabs periods"')[1].split("</nav>")[0]


def test_a_date_that_does_not_parse_is_named_and_the_rest_still_counts(personas, report, drive, clock, login):
    drive(report(), "closed")
    html = login(personas.town_admin).get(
        f"/cases/stats/?scope={personas.town.village_a.code}&since=March").content.decode()
    assert 'class="field-error"' in html and "碧塘村 · " in lead(html)
    assert figure(html, "closed") == "1"


def test_the_page_costs_the_same_queries_whatever_the_cases(personas, report, drive, clock, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas.town_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/stats/").status_code == 200
        return len(captured)

    drive(report(), "closed")
    client.get("/cases/stats/")  # the session's first read is not the page's cost
    before = count()
    for _n in range(4):
        drive(report(), "closed")
        drive(report(actor=personas.outsider, point=POINT_B1), "reported")
    assert count() == before
