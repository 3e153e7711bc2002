"""Rankings (by village and grid, person and household, month and year; ties share a rank; names
masked) and the year-end sweep and command."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import CommandError, call_command

from gridgov.points import actions, queries, worker
from gridgov.points.models import Account, Entry

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_mask_name():
    assert [queries.mask_name(n) for n in ["张建华", "张华", "欧阳建华", "李"]] == ["张*华", "张*", "欧**华", "李"]


def test_ranking_by_period_unit_and_place(personas, rules):
    town = personas.town
    may = datetime.datetime(2026, 5, 10, 10, tzinfo=SHANGHAI)
    for person in (town.zhang, town.wang, town.chen):
        actions.do_award(personas.secretary_a, rules.meeting, "会", person=person, now=may)
    actions.do_award(personas.secretary_a, rules.meeting, "会", person=town.zhang, now=may)
    actions.do_award(personas.secretary_a, rules.meeting, "四月", person=town.chen,
                     now=datetime.datetime(2026, 4, 10, 10, tzinfo=SHANGHAI))
    actions.do_award(personas.secretary_a, rules.clean, "清洁户", household=town.house_a2, now=may)
    actions.do_award(personas.outsider, rules.meeting, "都斛", person=town.liu, now=may)
    month = queries.ranking(town.village_a.path, "person", "month", today=may.date())
    assert [(r["rank"], r["name"], r["points"]) for r in month] == [(1, "张*国", 10), (2, "王*强", 5), (2, "陈*华", 5)]
    year = queries.ranking(town.village_a.path, "person", "year", today=may.date())
    assert [(r["rank"], r["name"], r["points"]) for r in year] == [(1, "张*国", 10), (1, "陈*华", 10), (3, "王*强", 5)]
    grid_a2 = queries.ranking(town.a2.path, "person", "year", today=may.date())
    assert [r["name"] for r in grid_a2] == ["陈*华"]
    households = queries.ranking(town.village_a.path, "household", "month", today=may.date())
    assert [(r["name"], r["points"], r["household"]) for r in households] == [("陈*华", 20, True)]


def test_ranking_page_for_a_resident_shows_their_village_masked(personas, rules, login):
    actions.do_award(personas.secretary_a, rules.meeting, "会", person=personas.town.chen)
    actions.do_award(personas.outsider, rules.meeting, "都斛", person=personas.town.liu)
    page = login(personas.resident_a1).get("/points/ranking/").content.decode()
    assert "陈*华" in page and "陈丽华" not in page and "刘*明" not in page


def test_year_end_sweep_clears_once_when_the_policy_says_so(personas, fund, settings):
    settings.GRIDGOV_POINTS_YEAR_END = "clear"
    account = fund(personas.town.zhang, 30)
    december = datetime.datetime(2026, 12, 31, 23, tzinfo=SHANGHAI)
    assert worker.year_end(december) == 0  # the cursor starts at the year that has just ended
    january = datetime.datetime(2027, 1, 1, 0, 5, tzinfo=SHANGHAI)
    assert worker.year_end(january) == 1
    account.refresh_from_db()
    assert account.balance == 0
    fund(personas.town.zhang, 7)  # January's new points
    assert worker.year_end(january + datetime.timedelta(days=3)) == 0
    assert Account.objects.get(pk=account.pk).balance == 7


def test_year_end_carry_writes_nothing(personas, fund, settings):
    settings.GRIDGOV_POINTS_YEAR_END = "carry"
    fund(personas.town.zhang, 30)
    worker.year_end(datetime.datetime(2026, 6, 1, tzinfo=SHANGHAI))
    assert worker.year_end(datetime.datetime(2027, 1, 2, tzinfo=SHANGHAI)) == 0
    assert not Entry.objects.filter(kind="settlement").exists()


def test_settle_command(personas, fund):
    fund(personas.town.zhang, 30)
    out = io.StringIO()
    call_command("points_settle", "2026", "--policy", "clear", stdout=out)
    assert Account.objects.get(person=personas.town.zhang).balance == 0
    call_command("points_settle", "--check", stdout=out)
    Account.objects.filter(person=personas.town.zhang).update(balance=3)
    with pytest.raises(CommandError):
        call_command("points_settle", "--check", stdout=out)
