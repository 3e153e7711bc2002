"""The five-star pages per role: the board, an assessment's page and its forms, the bulletin (.xlsx opened
with openpyxl), the scheme, trends, the star map's data and the home box; scoped like the API."""

import io

import openpyxl
import pytest
import time_machine

from gridgov.stars import actions
from gridgov.stars.models import Indicator

from tests.cases.conftest import local

from .conftest import PERIOD, manual_scores


@pytest.fixture
def queries_for():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def _count(client, url):
        client.get(url)  # warm: sessions, caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    return _count


def test_board_ranks_the_town_for_the_town_admin(personas, quarter, login, advance, django_assert_max_num_queries):
    advance(quarter.a, "submitted")
    client = login(personas.town_admin)
    with django_assert_max_num_queries(12):
        response = client.get(f"/stars/?period={PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "碧塘村" in html and "都斛村" in html and "支部过硬星" in html
    assert [a.village.name for a in response.context["rows"]] == ["碧塘村", "都斛村"]


def test_the_board_legend_reads_the_scheme(personas, quarter, login, django_assert_max_num_queries):
    client = login(personas.town_admin)
    page = client.get(f"/stars/?period={PERIOD}").content.decode()
    assert "<th>等次</th>" in page and "层级" not in page  # a five-star level, not a level of the org tree
    legend = page[page.index('id="board-legend"'):]
    assert "五星：总分≥90 且获5星" in legend and "二星：总分≥60 且获2星" in legend
    assert "一票否决" in legend and "支部过硬星 16" in legend
    # The town's own levels and thresholds, as the scheme page saved them; the page costs no more.
    actions.do_update_scheme(personas.town_admin, quarter.scheme, thresholds={"branch": "15.5"},
                             levels=[{"min_total": 85, "min_stars": 1, "label": "先进支部"},
                                     {"min_total": 60, "label": "合格支部"}])
    with django_assert_max_num_queries(12):
        legend = client.get(f"/stars/?period={PERIOD}").content.decode()
    legend = legend[legend.index('id="board-legend"'):]
    assert "先进支部：总分≥85 且获1星" in legend and "合格支部：总分≥60<" in legend
    assert "支部过硬星 15.5" in legend and "五星" not in legend


def test_the_board_costs_the_same_for_more_villages(personas, quarter, login, queries_for):
    from gridgov.org import actions as org_actions

    client = login(personas.town_admin)
    before = queries_for(client, f"/stars/?period={PERIOD}")
    for n in range(3):
        org_actions.do_create_region(None, f"44532110430{n}", f"新村{n}", parent=personas.town.town)
    actions.do_open_quarter(None, quarter.scheme, PERIOD)
    assert queries_for(client, f"/stars/?period={PERIOD}") == before


def test_a_village_sees_only_its_own_unpublished_assessment(personas, quarter, login, advance):
    client = login(personas.outsider)
    html = client.get(f"/stars/?period={PERIOD}").content.decode()
    assert "都斛村" in html and "碧塘村" not in html
    assert client.get(f"/stars/{quarter.a.pk}/").status_code == 404
    assert client.post(f"/stars/{quarter.a.pk}/act/submit/").status_code == 404
    advance(quarter.a, "published")
    assert "碧塘村" in client.get(f"/stars/?period={PERIOD}").content.decode()
    page = client.get(f"/stars/{quarter.a.pk}/")
    assert page.status_code == 200 and not page.context["ledger"]  # published figures, not A's ledger


def test_secretary_self_assesses_and_submits_through_the_form(personas, quarter, login):
    a = quarter.a
    client = login(personas.secretary_a)
    page = client.get(f"/stars/{a.pk}/")
    assert 'id="self-assess-form"' in page.content.decode()
    form = {f"points_{pk}": str(points) for pk, (points, _e) in manual_scores(a).items()}
    form.update({f"evidence_{pk}": "会议记录" for pk in manual_scores(a)})
    form["stars"] = ["branch"]
    response = client.post(f"/stars/{a.pk}/act/submit/", form, follow=True)
    assert response.status_code == 200
    a.refresh_from_db()
    assert a.state == "submitted" and a.nominated == ["branch"]


def test_a_refused_step_shows_its_message(personas, quarter, login):
    client = login(personas.secretary_a)
    response = client.post(f"/stars/{quarter.a.pk}/act/submit/", {}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("请填写" in m or "Enter points" in m for m in messages), messages
    quarter.a.refresh_from_db()
    assert quarter.a.state == "draft"


def test_town_reviews_through_the_form(personas, quarter, login, advance):
    a = advance(quarter.a, "submitted")
    team = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.team")
    client = login(personas.town_admin)
    assert 'id="review-form"' in client.get(f"/stars/{a.pk}/").content.decode()
    client.post(f"/stars/{a.pk}/act/review/", {f"points_{team.pk}": "4", f"reason_{team.pk}": "分工不明"})
    a.refresh_from_db()
    assert a.state == "reviewed" and a.scores.get(indicator=team).points == 4


def test_ledger_and_what_it_lacks(personas, quarter, login):
    a = quarter.a
    actions.do_self_assess(personas.secretary_a, a, manual_scores(a, points=2))
    page = login(personas.secretary_a).get(f"/stars/{a.pk}/")
    lacks = page.context["lacks"]
    # branch: 2 + 2 + base 5 = 9 of 16 needed -> 7 short; the nearest star comes first.
    branch = next(row for row in lacks if row["code"] == "branch")
    assert str(branch["gap"]) == "7.00"
    assert lacks[0]["gap"] <= lacks[-1]["gap"]
    labels = [e.action for e in page.context["ledger"]]
    assert "stars.score.self" in labels


def test_bulletin_xlsx_opens_with_openpyxl(personas, quarter, login, advance):
    advance(quarter.a, "published")
    advance(quarter.b, "submitted")
    response = login(personas.town_admin).get(f"/stars/bulletin/{PERIOD}.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("名次", "村", "支部过硬星")
    assert [r[1] for r in rows[2:]] == ["碧塘村", "都斛村"]
    assert rows[2][0] == 1


def test_printable_bulletin(personas, quarter, login):
    response = login(personas.town_admin).get(f"/stars/bulletin/{PERIOD}/")
    assert response.status_code == 200 and 'id="bulletin"' in response.content.decode()
    assert login(personas.town_admin).get("/stars/bulletin/2026-1/").status_code == 404


def test_scheme_page_and_its_edit(personas, scheme, login):
    client = login(personas.town_admin)
    page = client.get("/stars/scheme/2026/").content.decode()
    assert "产业兴旺星" in page
    # A computed indicator names its source as people read it, not by its code.
    assert "事件结案率：" in page and "cases.completion_rate:" not in page and "cases.completion_rate：" not in page
    client.post("/stars/scheme/2026/", {"threshold_branch": "15", "level_min_0": "95", "level_label_0": "五星",
                                        "level_min_1": "85", "level_label_1": "四星", "publicity_days": "7"})
    scheme.refresh_from_db()
    assert scheme.stars.get(code="branch").threshold == 15
    assert scheme.levels == [{"min_total": 95, "label": "五星"}, {"min_total": 85, "label": "四星"}]
    assert scheme.publicity_days == 7
    # A village sees the rules but may not change them.
    secretary = login(personas.secretary_a)
    assert secretary.get("/stars/scheme/2026/").status_code == 200
    secretary.post("/stars/scheme/2026/", {"threshold_branch": "1"})
    assert scheme.stars.get(code="branch").threshold == 15


def test_trends_and_map_data(personas, quarter, login, advance):
    advance(quarter.a, "published")
    client = login(personas.town_admin)
    assert client.get(f"/stars/trends/?period={PERIOD}").status_code == 200
    data = client.get(f"/stars/map.geojson?period={PERIOD}").json()
    names = {f["properties"]["name"] for f in data["features"]}
    assert names == {"碧塘村", "都斛村"}
    outsider = login(personas.outsider).get(f"/stars/map.geojson?period={PERIOD}").json()
    assert {f["properties"]["name"] for f in outsider["features"]} == {"碧塘村", "都斛村"}  # A is published
    assert login(personas.resident_a1).get(f"/stars/map.geojson?period={PERIOD}").json()["features"][0][
        "properties"]["name"] == "碧塘村"


# The home box shows the quarter of the local date (Asia/Shanghai): moments on both sides of quarter and year
# ends, in UTC some of them the day before. No quarter of 2027 is opened: the box is empty on New Year's Day.
HOME_BOX_MOMENTS = [(local(2026, 1, 1, 0, 30), "2026Q1"), (local(2026, 3, 31, 23, 30), "2026Q1"),
                    (local(2026, 4, 1, 0, 30), "2026Q2"), (local(2026, 9, 30, 23, 59), "2026Q3"),
                    (local(2026, 12, 31, 23, 59), "2026Q4"), (local(2027, 1, 1, 0, 1), None)]


@pytest.mark.parametrize("persona", ["town_admin", "secretary_a", "resident_a1", "worker_a1"])
def test_home_box(personas, scheme, login, advance, persona, django_assert_max_num_queries):
    opened = {f"2026Q{q}": actions.do_open_quarter(None, scheme, f"2026Q{q}")[0] for q in range(1, 5)}
    advance(opened["2026Q2"], "published")  # what residents and grid workers see: published results only
    actions.do_copy_scheme(None, scheme, 2027)
    for moment, period in HOME_BOX_MOMENTS:
        with time_machine.travel(moment, tick=False):
            client = login(getattr(personas, persona))
            client.get("/stars/home-box/")
            with django_assert_max_num_queries(9):
                response = client.get("/stars/home-box/")
            assert response.status_code == 200
            html = response.content.decode()
            village_sees = persona == "secretary_a" or period == "2026Q2"
            if period is None or not village_sees and persona != "town_admin":
                assert 'id="stars-box"' not in html, moment
                continue
            assert f"{period}</h2>" in html, moment
            if persona == "town_admin":
                assert 'id="stars-all">2<' in html, moment  # villages A and B
                assert ('id="stars-published">1<' in html) is (period == "2026Q2"), moment
            else:
                assert f'href="/stars/{opened[period].pk}/"' in html, moment


def test_town_opens_a_quarter_copying_last_years_scheme(personas, scheme, login):
    client = login(personas.town_admin)
    client.post("/stars/open/", {"period": "2027Q1"})
    from gridgov.stars.models import Assessment, Scheme

    copied = Scheme.objects.get(town=personas.town.town, year=2027)
    assert copied.name == "东成镇2027年五星支部创建方案"
    assert copied.stars.count() == 5 and Indicator.objects.filter(star__scheme=copied).count() == 14
    assert Assessment.objects.filter(period="2027Q1").count() == 2
    login(personas.secretary_a).post("/stars/open/", {"period": "2027Q2"})
    assert not Assessment.objects.filter(period="2027Q2").exists()


def test_worker_sweep_is_registered():
    from gridgov.core import jobs

    jobs.discover()
    assert "stars.name" in jobs.PERIODIC


def test_evidence_photo_and_document(personas, quarter, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    a = quarter.a
    meetings = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.meetings")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    client = login(personas.secretary_a)
    client.post(f"/stars/{a.pk}/act/evidence/", {"indicator": meetings.pk,
                                                  "file": SimpleUploadedFile("会议.jpg", out.getvalue())})
    client.post(f"/stars/{a.pk}/act/evidence/", {"indicator": meetings.pk,
                                                  "file": SimpleUploadedFile("记录.pdf", b"%PDF-1.4 test")})
    response = client.post(f"/stars/{a.pk}/act/evidence/", {"indicator": meetings.pk,
                                                             "file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert any("PDF" in str(m) for m in response.context["messages"])
    files = list(a.files.order_by("pk"))
    assert [(f.name, f.content_type) for f in files] == [("会议.jpg", "image/jpeg"), ("记录.pdf", "application/pdf")]
    assert client.get(f"/stars/evidence/{files[1].pk}/").status_code == 200
    assert login(personas.outsider).get(f"/stars/evidence/{files[1].pk}/").status_code == 404
    assert login(personas.resident_a1).get(f"/stars/evidence/{files[1].pk}/").status_code == 404


def test_town_changes_an_indicator_until_a_village_submits(personas, quarter, login, advance):
    from decimal import Decimal as D

    income = Indicator.objects.get(star__scheme=quarter.scheme, code="industry.income")
    cases = Indicator.objects.get(star__scheme=quarter.scheme, code="ecology.cases")
    client = login(personas.town_admin)
    client.post("/stars/scheme/2026/", {"indicator": income.pk, "name": "村集体经济收入", "max_points": "12",
                                        "brackets": "100000:5, 200000：8，500000:12"})
    income.refresh_from_db()
    assert income.config["brackets"] == [[100000, 5], [200000, 8], [500000, 12]]
    client.post("/stars/scheme/2026/", {"indicator": cases.pk, "name": "事件办结率", "max_points": "6",
                                        "floor": "0.9", "target": "0.8"})
    cases.refresh_from_db()
    assert cases.config["floor"] == 0.6  # refused: the target must be above the floor
    client.post("/stars/scheme/2026/", {"veto_star": "ecology", "veto_name": "河道违法排污"})
    assert quarter.scheme.stars.get(code="ecology").vetoes.filter(name="河道违法排污").exists()
    advance(quarter.b, "submitted")
    client.post("/stars/scheme/2026/", {"indicator": income.pk, "name": "改名", "max_points": "12",
                                        "brackets": "1:12"})
    income.refresh_from_db()
    assert income.name == "村集体经济收入" and income.max_points == D("12.00")


def test_town_pairs_mentors(personas, quarter, login):
    from gridgov.stars.models import MentorPair

    client = login(personas.town_admin)
    client.post("/stars/pair/", {"period": PERIOD, "village": personas.town.village_b.code,
                                 "mentor_village": personas.town.village_a.code, "note": "村情相似"})
    client.post("/stars/pair/", {"period": PERIOD, "village": personas.town.village_a.code,
                                 "mentor_name": "镇党委组织委员 李明"})
    response = client.post("/stars/pair/", {"period": PERIOD, "village": personas.town.village_a.code,
                                            "mentor_village": personas.town.village_a.code}, follow=True)
    assert any("本村" in str(m) or "itself" in str(m) for m in response.context["messages"])
    assert [(p.village.name, p.mentor_village.name if p.mentor_village else p.mentor_name)
            for p in MentorPair.objects.order_by("pk")] == [("都斛村", "碧塘村"), ("碧塘村", "镇党委组织委员 李明")]
    assert login(personas.secretary_a).post("/stars/pair/", {"period": PERIOD, "village": personas.town.village_a.code,
                                                             "mentor_name": "自己"}).status_code == 404


@pytest.mark.parametrize("persona", ["town_admin", "secretary_a"])
def test_assessment_page_query_budget(personas, quarter, login, persona, django_assert_max_num_queries):
    """The page costs the same however many rewards, vetoes and objections it lists (no query per row)."""
    a = quarter.a
    vanguard = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.vanguard")
    client = login(getattr(personas, persona))
    client.get(f"/stars/{a.pk}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(f"/stars/{a.pk}/")
    for n in range(4):
        actions.do_add_entry(personas.town_admin, a, vanguard, "0.5", f"第{n}次表扬")
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(f"/stars/{a.pk}/").status_code == 200
    assert len(before.captured_queries) <= 18, len(before.captured_queries)


def test_the_later_steps_through_the_pages(personas, quarter, login, advance, county_admin):
    import datetime

    import time_machine

    from gridgov.stars.models import VetoItem

    a = quarter.a
    town = login(personas.town_admin)
    vanguard = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.vanguard")
    town.post(f"/stars/{a.pk}/act/entry/", {"indicator": vanguard.pk, "points": "1", "reason": "抗洪表扬",
                                            "evidence": "通报"})
    veto = VetoItem.objects.get(star__scheme=quarter.scheme, code="ecology.pollution")
    town.post(f"/stars/{a.pk}/act/veto/", {"item": veto.pk, "reason": "河道污染事件"})
    login(personas.secretary_a).post(f"/stars/{a.pk}/act/income/", {"amount": "260000", "evidence": "审计报告"})
    a = advance(a, "reviewed")
    assert a.figures["stars"]["ecology"]["vetoed"] is True
    assert a.scores.get(indicator__code="industry.income").points == 9  # 20-50万 bracket
    assert a.scores.get(indicator__code="branch.vanguard").points == 6  # base 5 + 1
    assert 'id="confirm-button"' in login(county_admin).get(f"/stars/{a.pk}/").content.decode()
    login(county_admin).post(f"/stars/{a.pk}/act/confirm/")
    town.post(f"/stars/{a.pk}/act/publish/")
    a.refresh_from_db()
    assert a.state == "published"
    resident = login(personas.resident_a1)
    assert 'id="objection-text"' in resident.get(f"/stars/{a.pk}/").content.decode()
    resident.post(f"/stars/{a.pk}/act/object/", {"text": "我村环境得分偏低"})
    objection = a.objections.get()
    town.post(f"/stars/{a.pk}/act/answer/", {"objection": objection.pk, "text": "污染事件属实，维持否决"})
    objection.refresh_from_db()
    assert objection.answer == "污染事件属实，维持否决"
    with time_machine.travel(a.publicity_until + datetime.timedelta(minutes=1)):
        login(personas.town_admin).post(f"/stars/{a.pk}/act/name/")  # a new session: days have passed
    a.refresh_from_db()
    assert a.state == "named"


def test_thresholds_and_levels_are_fixed_once_a_village_submits(personas, quarter, login, advance):
    scheme = quarter.scheme
    advance(quarter.a, "submitted")
    client = login(personas.town_admin)
    unchanged = {"threshold_branch": "16.00"}
    for i, (points, stars, label) in enumerate([(90, 5, "五星"), (80, 4, "四星"), (70, 3, "三星"), (60, 2, "二星")]):
        unchanged.update({f"level_min_{i}": str(points), f"level_stars_{i}": str(stars), f"level_label_{i}": label})
    client.post("/stars/scheme/2026/", {**unchanged, "publicity_days": "7"})
    scheme.refresh_from_db()
    assert scheme.publicity_days == 7  # may always change
    response = client.post("/stars/scheme/2026/", {**unchanged, "threshold_branch": "12"}, follow=True)
    assert any("不能再修改" in str(m) or "no longer" in str(m) for m in response.context["messages"])
    assert scheme.stars.get(code="branch").threshold == 16
    client.post("/stars/scheme/2026/", {**unchanged, "level_min_0": "85"})
    scheme.refresh_from_db()
    assert scheme.levels[0] == {"min_total": 90, "min_stars": 5, "label": "五星"}
    response = client.post("/stars/scheme/2026/", {**unchanged, "level_stars_0": ""}, follow=True)
    assert any("不能再修改" in str(m) or "no longer" in str(m) for m in response.context["messages"])
    scheme.refresh_from_db()
    assert scheme.levels[0] == {"min_total": 90, "min_stars": 5, "label": "五星"}


def test_the_county_board_ranks_each_town_on_its_own(personas, quarter, login, county_admin, api_client):
    from gridgov.org import actions as org_actions
    from gridgov.stars import defaults

    other = org_actions.do_create_region(None, "445321105000", "簕竹镇", parent=personas.town.county)
    org_actions.do_create_region(None, "445321105201", "榄根村", parent=other)
    scheme = actions.do_create_scheme(None, other, 2026, "簕竹镇2026年方案", defaults.scheme_spec())
    actions.do_open_quarter(None, scheme, PERIOD)
    page = login(county_admin).get(f"/stars/?period={PERIOD}")
    assert page.status_code == 200 and page.context["stars"] == []  # two schemes: no per-star columns
    legend = page.content.decode()[page.content.decode().index('id="board-legend"'):]
    assert "东成镇2026年五星支部创建方案" in legend and "簕竹镇2026年方案" in legend  # each town's levels
    ranks = [(a.village.name, a.rank) for a in page.context["rows"]]
    assert ranks == [("碧塘村", 1), ("都斛村", 2), ("榄根村", 1)]
    items = api_client("county_admin").get(f"/api/v1/stars/assessments?period={PERIOD}").json()["items"]
    assert [(i["village"]["name"], i["rank"]) for i in items] == ranks
    book = openpyxl.load_workbook(io.BytesIO(login(county_admin).get(f"/stars/bulletin/{PERIOD}.xlsx").content))
    assert list(book.active.iter_rows(values_only=True))[2][:2] == (1, "碧塘村")
