"""Coverage and contact rate computed by hand, across month boundaries and a link ended mid-month.

Village A has three households (a1, a1b, a2). Links of 王志强:
    a1   since 2026-10-15, active
    a2   since 2026-10-01, ended 2026-11-16 (active up to and including 11-15)
    a1b  since 2026-11-20, active
Contacts: a1 on 10-31, 11-01, 12-01; a2 on 11-10; a1b on 12-31.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gridgov.links import queries
from gridgov.links.metrics import contact_rate, coverage
from gridgov.links.models import Contact, Link, LinkSettings
from gridgov.stars import metrics as star_metrics

D = datetime.date
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def history(personas):
    t = personas.town
    mk = lambda house, since, until=None: Link.objects.create(  # noqa: E731
        member=t.wang, household=house, since=since, until=until, path=house.path)
    links = {"a1": mk(t.house_a1, D(2026, 10, 15)), "a2": mk(t.house_a2, D(2026, 10, 1), D(2026, 11, 16)),
             "a1b": mk(t.house_a1b, D(2026, 11, 20))}
    for key, day in [("a1", D(2026, 10, 31)), ("a1", D(2026, 11, 1)), ("a1", D(2026, 12, 1)),
                     ("a2", D(2026, 11, 10)), ("a1b", D(2026, 12, 31))]:
        link = links[key]
        Contact.objects.create(link=link, member=t.wang, household=link.household, way="visit", date=day,
                               path=link.path)
    return t


@pytest.fixture
def after_all():
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, tzinfo=SH), tick=False):
        yield


@pytest.mark.parametrize("month,households,linked,linked_in,contacted,rate", [
    ((2026, 9), 3, 0, 0, 0, None),
    ((2026, 10), 3, 2, 2, 1, 0.5),
    ((2026, 11), 3, 2, 3, 2, 0.6667),
    ((2026, 12), 3, 2, 2, 2, 1.0),
    ((2027, 1), 3, 2, 2, 0, 0.0),
])
def test_month_figures_by_hand(history, after_all, month, households, linked, linked_in, contacted, rate):
    f = queries.month_figures(history.village_a.path, *month)
    assert (f["households"], f["linked"], f["linked_in_month"], f["contacted"], f["contact_rate"]) == (
        households, linked, linked_in, contacted, rate)


@pytest.mark.parametrize("day,linked", [
    (D(2026, 9, 30), 0), (D(2026, 10, 1), 1), (D(2026, 10, 15), 2), (D(2026, 11, 15), 2),
    (D(2026, 11, 16), 1), (D(2026, 11, 19), 1), (D(2026, 11, 20), 2), (D(2026, 12, 31), 2),
])
def test_coverage_on_a_day(history, day, linked):
    f = queries.figures(history.village_a.path, day, day, day=day)
    assert f["linked"] == linked and f["coverage_rate"] == round(linked / 3, 4)
    assert coverage(history.village_a, D(2026, 1, 1), day)["value"] == round(linked / 3, 4)


def test_contact_rate_metric_over_periods(history):
    q4 = contact_rate(history.village_a, D(2026, 10, 1), D(2026, 12, 31))
    assert q4["value"] == round(5 / 7, 4)
    assert [m["linked"] for m in q4["records"]["months"]] == [2, 3, 2]
    cut = contact_rate(history.village_a, D(2026, 11, 10), D(2026, 12, 15))
    assert (cut["records"]["linked"], cut["records"]["contacted"], cut["value"]) == (5, 2, 0.4)
    assert contact_rate(history.village_b, D(2026, 10, 1), D(2026, 12, 31))["value"] is None
    # what stars calls: the registered source
    assert star_metrics.source("links.contact_rate").func(history.village_a, D(2026, 10, 1), D(2026, 12, 31)) == q4
    assert star_metrics.source("links.coverage").func(history.village_a, D(2026, 10, 1), D(2026, 12, 31))[
        "value"] == round(2 / 3, 4)


def test_town_frequency_setting(history, after_all):
    LinkSettings.objects.create(town=history.town, path=history.town.path, contacts_per_month=2)
    assert queries.month_figures(history.village_a.path, 2026, 10)["contacted"] == 0
    link = Link.objects.get(household=history.house_a1)
    Contact.objects.create(link=link, member=history.wang, household=history.house_a1, way="phone",
                           date=D(2026, 10, 20), path=link.path)
    assert queries.month_figures(history.village_a.path, 2026, 10)["contacted"] == 1


@pytest.mark.parametrize("moment,month,missing", [
    (datetime.datetime(2026, 12, 31, 23, 59, tzinfo=SH), (2026, 12), 0),
    (datetime.datetime(2027, 1, 1, 0, 0, tzinfo=SH), (2027, 1), 2),  # a new month: nobody contacted yet
    (datetime.datetime(2026, 11, 30, 12, tzinfo=SH), (2026, 11), 1),  # a1b linked on 11-20, not contacted
    # 00:30 on 12-01 in China is December already (its contacts are on file in this history)
    (datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.timezone.utc), (2026, 12), 0),
])
def test_not_contacted_this_month_at_month_ends(history, moment, month, missing):
    with time_machine.travel(moment, tick=False):
        assert queries.parse_month(None) == month
        assert queries.not_contacted(history.village_a.path, *month).count() == missing
        assert queries.unlinked(history.village_a.path).count() == 1


def test_by_child_and_behind(history, after_all):
    rows = queries.by_child(history.town, 2026, 11)
    assert [(r["name"], r["households"], r["linked"], r["contacted"]) for r in rows] == [
        ("碧塘村", 3, 2, 2), ("都斛村", 1, 0, 0)]
    grids = queries.by_child(history.village_a, 2026, 11)
    assert [(r["code"], r["households"], r["linked"], r["linked_in_month"]) for r in grids] == [
        (history.a1.code, 2, 2, 2), (history.a2.code, 1, 0, 1)]
    behind = queries.members_behind(history.village_a.path, 2027, 1)
    assert behind == [{"member": history.wang.pk, "name": "王志强", "linked": 2, "missing": 2}]


def test_a_household_counts_once(history, after_all, personas):
    """Two contacts in a month and two links in a month (a handover) still make one household."""
    t = history
    Link.objects.create(member=t.zhang, household=t.house_a2, since=D(2026, 11, 16), path=t.house_a2.path)
    link = Link.objects.get(household=t.house_a1)
    Contact.objects.create(link=link, member=t.wang, household=t.house_a1, way="phone", date=D(2026, 12, 20),
                           path=link.path)
    november = queries.month_figures(t.village_a.path, 2026, 11)
    assert (november["linked"], november["linked_in_month"], november["contacted"]) == (3, 3, 2)
    december = queries.month_figures(t.village_a.path, 2026, 12)
    assert (december["linked_in_month"], december["contacted"]) == (3, 2)
    assert Contact.objects.get(date=D(2026, 12, 20)).month == 202612
