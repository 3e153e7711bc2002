"""Accounts appear on the case pages by name and post (org.names), never as usernames: the dispatch
list, the supervision board, the handler ranking (page and API) and the timeline's system steps."""

import datetime
import html

import pytest

from gridgov.cases import actions
from gridgov.org.models import User


@pytest.fixture
def named(personas):
    """The grid worker is a person of the registry (陈丽华), as in a real town."""
    User.objects.filter(pk=personas.worker_a1.pk).update(person=personas.town.chen)
    personas.worker_a1.refresh_from_db()
    return personas


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_dispatch_list_names_people_with_their_posts(named, report, login):
    case = actions.do_accept(named.worker_a1, report())
    text = page(login(named.worker_a1), f"/cases/{case.pk}/")
    options = text[text.index('id="dispatch-to"'):]
    options = options[:options.index("</select>")]
    assert "陈丽华 · 网格员 · 碧塘第一网格" in options
    assert "王志强 · 党员 · 碧塘第一网格" in options
    assert "town_admin · 镇管理员 · 东成镇" in options  # an account without a name keeps its username, with post
    assert "worker_a1" not in options.replace('value="worker_a1"', "")


def test_supervision_names_the_handler_with_post(named, report, drive, login):
    case = drive(report(), "in_progress")
    text = page(login(named.town_admin), "/cases/supervision/")
    assert case.number in text
    assert "王志强 · 党员 · 碧塘第一网格" in text and "party_a1" not in text


def test_the_case_page_names_the_handler_with_post(named, report, drive, login):
    case = drive(report(), "in_progress")
    assert "王志强 · 党员 · 碧塘第一网格" in page(login(named.town_admin), f"/cases/{case.pk}/")


def test_the_handler_ranking_names_people_with_posts(named, report, drive, login, api_client):
    drive(report(), "closed")
    text = page(login(named.town_admin), "/cases/stats/?since=2026-03-01&until=2026-03-31")
    assert "王志强 · 党员 · 碧塘第一网格" in text
    body = api_client("town_admin").get("/api/v1/cases/rankings?by=handler&since=2026-03-01&until=2026-03-31").json()
    assert [(i["code"], i["name"]) for i in body["items"]] == [("party_a1", "王志强 · 党员 · 碧塘第一网格")]


def test_a_system_step_reads_as_the_system_in_the_timeline(named, report, login, clock):
    case = report()
    clock.shift(datetime.timedelta(days=2))
    actions.mark_clocks()
    assert case.events.filter(action="overdue", actor=None).exists()
    text = page(login(named.worker_a1), f"/cases/{case.pk}/")
    timeline = text[text.index('class="timeline"'):]
    assert "系统（时限检查）" in timeline and "system" not in timeline


def test_an_automatic_escalation_is_named_as_such(named, report, login, clock, settings):
    settings.GRIDGOV_CASE_AUTO_ESCALATE_STATES = "reported"
    case = report()
    clock.shift(datetime.timedelta(days=2))
    assert actions.auto_escalate_overdue() == 1
    text = page(login(named.secretary_a), f"/cases/{case.pk}/")
    assert "系统（超期自动上报）" in text[text.index('class="timeline"'):]


def test_unit_members_are_named_with_their_posts_on_the_configuration_page(named, cfg, login):
    actions.do_set_unit_members(named.town_admin, cfg.village_a_committee, [named.secretary_a, named.worker_a1])
    text = page(login(named.town_admin), "/cases/config/")
    unit = text[text.index('<strong>碧塘村委会</strong>'):]
    line = unit[unit.index('<p class="row-meta">'):unit.index("</p>")]  # the unit's members
    assert "陈丽华 · 网格员 · 碧塘第一网格" in line and "worker_a1" not in line
    boxes = unit[:unit.index("</form>")]  # the checkboxes to change them
    assert "陈丽华 · 网格员 · 碧塘第一网格</label>" in boxes


def test_the_api_gives_the_handlers_name_beside_the_username(named, report, drive, api_client):
    case = drive(report(), "in_progress")
    body = api_client("town_admin").get(f"/api/v1/cases/{case.pk}").json()
    assert (body["assignee"], body["assignee_name"]) == ("party_a1", "王志强 · 党员 · 碧塘第一网格")
    unassigned = api_client("town_admin").get(f"/api/v1/cases/{report().pk}").json()
    assert (unassigned["assignee"], unassigned["assignee_name"]) == (None, None)
