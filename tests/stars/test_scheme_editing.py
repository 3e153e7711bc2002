"""Town staff build a year's scheme on the web: add and remove indicators (manual, metric, dynamic) and veto
items, set a level's stars, create a scheme from scratch; every refusal (after a submission, a wrong role,
an outsider) writes nothing, and drafts are scored again by hand-checked figures."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.core.models import AuditEntry
from gridgov.stars import actions, defaults, scoring
from gridgov.stars.actions import StarError
from gridgov.stars.models import Indicator, Scheme, Score, VetoItem, default_levels

from .conftest import PERIOD, manual_scores


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _star(scheme, code):
    return scheme.stars.get(code=code)


def _branch_score(a) -> D:
    a.refresh_from_db()
    return D(a.figures["stars"]["branch"]["score"])


# --- actions: adding ------------------------------------------------------------------------------------

def test_a_manual_indicator_joins_the_open_drafts_and_counts_once_self_assessed(personas, quarter):
    a, b = quarter.a, quarter.b
    # No records in the quarter: branch = manual 0 + 0 + dynamic base 5.
    assert _branch_score(a) == D("5.00")
    added = actions.do_add_indicator(personas.town_admin, _star(quarter.scheme, "branch"), " 党建引领基层治理 ", "3",
                                     "manual")
    assert (added.code, added.name, added.max_points, added.config, added.order) == (
        "branch.4", "党建引领基层治理", D("3.00"), {}, 3)
    assert Score.objects.filter(indicator=added, assessment__in=[a, b]).count() == 2
    actions.do_self_assess(personas.secretary_a, a, manual_scores(a))
    # 7 + 6 + 3 (the new one, at its maximum) + base 5 = 21.
    assert _branch_score(a) == D("21.00")
    entry = AuditEntry.objects.get(action="stars.indicator.add")
    assert entry.after["indicator_id"] == added.pk and entry.path == quarter.scheme.path
    assert entry.actor_id == personas.town_admin.pk


def test_a_dynamic_indicator_starts_at_its_base_in_every_draft(personas, quarter):
    a = quarter.a
    safety = _star(quarter.scheme, "safety")
    before = D(a.figures["stars"]["safety"]["score"])
    added = actions.do_add_indicator(personas.town_admin, safety, "禁毒工作（动态奖惩）", "4", "dynamic", {"base": "2"})
    assert added.config == {"base": 2.0}
    a.refresh_from_db()
    assert D(a.figures["stars"]["safety"]["score"]) == before + 2
    actions.do_add_entry(personas.town_admin, a, added, "1.5", "禁毒宣传表扬")
    a.refresh_from_db()
    assert a.scores.get(indicator=added).points == D("3.50")
    assert D(a.figures["stars"]["safety"]["score"]) == before + D("3.5")


def test_a_metric_indicator_is_scored_from_the_records_at_once(personas, quarter):
    a = quarter.a
    actions.do_set_income(personas.secretary_a, a.village, 2026, 260000, "2025年度审计报告")
    added = actions.do_add_indicator(personas.town_admin, _star(quarter.scheme, "industry"), "集体经济增收", "4",
                                     "metric", {"source": "stars.collective_income", "map": "brackets",
                                                "brackets": "100000:2，300000:4"})
    assert added.config == {"source": "stars.collective_income", "map": "brackets",
                            "brackets": [[100000.0, 2.0], [300000.0, 4.0]]}
    score = a.scores.get(indicator=added)
    # 260000 reaches the 100000 bracket, not the 300000 one.
    assert (score.value, score.points, score.records["income_id"]) == (D("260000.0000"), D("2.00"),
                                                                        score.records["income_id"])
    linear = actions.do_add_indicator(personas.town_admin, _star(quarter.scheme, "industry"), "收入完成度", "2",
                                      "metric", {"source": "stars.collective_income", "map": "linear",
                                                 "floor": "0", "target": "520000"})
    assert a.scores.get(indicator=linear).points == D("1.00")  # 2 * 260000 / 520000
    a.refresh_from_db()
    # industry: 0 (feature, not self-assessed) + 9 (default income brackets) + 2 + 1.
    assert D(a.figures["stars"]["industry"]["score"]) == D("12.00")


@pytest.mark.parametrize("name, max_points, method, config, field", [
    ("", "3", "manual", {}, "name"),
    ("指标", "0", "manual", {}, "max_points"),
    ("指标", "abc", "manual", {}, "max_points"),
    ("指标", "3", "guess", {}, "method"),
    ("指标", "3", "metric", {"source": "nowhere.rate"}, "source"),
    ("指标", "3", "metric", {"source": "cases.completion_rate", "floor": "0.9", "target": "0.5"}, "target"),
    ("指标", "3", "metric", {"source": "cases.completion_rate", "map": "brackets", "brackets": ""}, "brackets"),
    ("指标", "3", "metric", {"source": "cases.completion_rate", "map": "cubic"}, "map"),
    ("指标", "3", "dynamic", {"base": "4"}, "base"),
])
def test_a_bad_new_indicator_names_its_field_and_writes_nothing(personas, scheme, name, max_points, method, config,
                                                                  field):
    with pytest.raises(StarError) as refused:
        actions.do_add_indicator(personas.town_admin, _star(scheme, "branch"), name, max_points, method, config)
    assert (refused.value.status, refused.value.field) == (400, field)
    assert Indicator.objects.filter(star__scheme=scheme).count() == 14
    assert not AuditEntry.objects.filter(action="stars.indicator.add").exists()


# --- actions: removing ----------------------------------------------------------------------------------

def test_removing_an_indicator_keeps_the_star_reachable(personas, quarter):
    a = quarter.a
    actions.do_self_assess(personas.secretary_a, a, manual_scores(a))
    team = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.team")
    team_pk = team.pk
    # Without the team's 6 points the branch star gives 7 + 7 = 14, less than the 16 it needs.
    with pytest.raises(StarError) as refused:
        actions.do_remove_indicator(personas.town_admin, team)
    assert refused.value.status == 400 and "14" in refused.value.message and "16" in refused.value.message
    assert Indicator.objects.filter(pk=team.pk).exists()
    actions.do_update_scheme(personas.town_admin, quarter.scheme, thresholds={"branch": "14"})
    actions.do_remove_indicator(personas.town_admin, team)
    assert not Indicator.objects.filter(pk=team_pk).exists()
    # 7 + 6 + 5 = 18 before; 7 + 5 = 12 after, 12 < 14: not earned.
    a.refresh_from_db()
    assert a.figures["stars"]["branch"] == {"score": "12.00", "earned": False, "vetoed": False}
    entry = AuditEntry.objects.get(action="stars.indicator.remove")
    assert entry.before["code"] == "branch.team" and entry.before["indicator_id"] == team_pk
    assert entry.path == quarter.scheme.path


def test_an_indicator_with_records_is_not_removed(personas, quarter):
    vanguard = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.vanguard")
    actions.do_update_scheme(personas.town_admin, quarter.scheme, thresholds={"branch": "10"})
    actions.do_add_entry(personas.town_admin, quarter.a, vanguard, "1", "防汛表扬")
    with pytest.raises(StarError) as refused:
        actions.do_remove_indicator(personas.town_admin, vanguard)
    assert refused.value.status == 409 and "党员先锋作用" in refused.value.message
    assert Indicator.objects.filter(pk=vanguard.pk).exists() and quarter.a.entries.count() == 1


def test_removing_a_veto_item_unless_it_was_applied(personas, quarter):
    crime = VetoItem.objects.get(star__scheme=quarter.scheme, code="safety.crime")
    petition = VetoItem.objects.get(star__scheme=quarter.scheme, code="safety.petition")
    actions.do_flag_veto(personas.town_admin, quarter.a, crime, "发生故意伤害案件")
    with pytest.raises(StarError) as refused:
        actions.do_remove_veto_item(personas.town_admin, crime)
    assert refused.value.status == 409
    actions.do_remove_veto_item(personas.town_admin, petition)
    assert list(VetoItem.objects.filter(star__code="safety", star__scheme=quarter.scheme)
                .values_list("code", flat=True)) == ["safety.crime"]
    assert AuditEntry.objects.get(action="stars.veto_item.remove").before["name"] == "越级上访造成严重影响"
    safety = _star(quarter.scheme, "safety")
    first = actions.do_add_veto_item(personas.town_admin, safety, "电信诈骗案件高发")
    second = actions.do_add_veto_item(personas.town_admin, safety, "安全生产事故")
    actions.do_remove_veto_item(personas.town_admin, first)
    third = actions.do_add_veto_item(personas.town_admin, safety, "重大火灾")
    assert len({second.code, third.code, "safety.crime"}) == 3


# --- refusals ---------------------------------------------------------------------------------------------

def test_nothing_changes_once_a_village_has_submitted(personas, quarter, advance):
    advance(quarter.b, "submitted")
    scheme = quarter.scheme
    manual = Indicator.objects.get(star__scheme=scheme, code="civility.volunteer")
    veto = VetoItem.objects.get(star__scheme=scheme, code="civility.customs")
    attempts = [
        lambda: actions.do_add_indicator(personas.town_admin, _star(scheme, "civility"), "新指标", "2", "manual"),
        lambda: actions.do_remove_indicator(personas.town_admin, manual),
        lambda: actions.do_remove_veto_item(personas.town_admin, veto),
    ]
    for attempt in attempts:
        with pytest.raises(StarError) as refused:
            attempt()
        assert refused.value.status == 409 and "不能再修改" in refused.value.message, refused.value.message
    assert Indicator.objects.filter(star__scheme=scheme).count() == 14
    assert VetoItem.objects.filter(pk=veto.pk).exists()
    assert not AuditEntry.objects.filter(action__in=["stars.indicator.add", "stars.indicator.remove",
                                                     "stars.veto_item.remove"]).exists()


@pytest.mark.parametrize("persona, status", [("department", 403), ("secretary_a", 404), ("outsider", 404),
                                             ("worker_a1", 404)])
def test_only_the_town_administrator_edits_the_scheme(personas, scheme, persona, status):
    user = getattr(personas, persona)
    manual = Indicator.objects.get(star__scheme=scheme, code="civility.volunteer")
    veto = VetoItem.objects.get(star__scheme=scheme, code="civility.customs")
    for attempt in (
        lambda: actions.do_add_indicator(user, _star(scheme, "civility"), "新指标", "2", "manual"),
        lambda: actions.do_remove_indicator(user, manual),
        lambda: actions.do_remove_veto_item(user, veto),
        lambda: actions.do_start_scheme(user, personas.town.town, 2027, "2027年方案", "blank"),
    ):
        with pytest.raises(StarError) as refused:
            attempt()
        assert refused.value.status == status
    assert Indicator.objects.filter(star__scheme=scheme).count() == 14 and VetoItem.objects.filter(pk=veto.pk).exists()
    assert not Scheme.objects.filter(year=2027).exists()


# --- a scheme from scratch ---------------------------------------------------------------------------------

def test_a_blank_scheme_is_filled_and_then_opened(personas):
    town, admin = personas.town.town, personas.town_admin
    scheme = actions.do_start_scheme(admin, town, "2027", "东成镇2027年五星支部创建方案", "blank")
    assert [(s.name, s.threshold, s.indicators.count(), s.vetoes.count()) for s in scheme.stars.all()] == [
        ("支部过硬星", 0, 0, 0), ("产业兴旺星", 0, 0, 0), ("生态宜居星", 0, 0, 0), ("平安法治星", 0, 0, 0),
        ("文明幸福星", 0, 0, 0)]
    with pytest.raises(StarError) as refused:
        actions.do_open_quarter(admin, scheme, "2027Q1")
    assert "支部过硬星" in refused.value.message
    for star in scheme.stars.all():
        actions.do_add_indicator(admin, star, f"{star.name}工作落实", "20", "manual")
    with pytest.raises(StarError) as refused:
        actions.do_open_quarter(admin, scheme, "2027Q1")
    assert "达标分" in refused.value.message or "points needed" in refused.value.message
    actions.do_update_scheme(admin, scheme, thresholds={s.code: "16" for s in scheme.stars.all()})
    a, b = actions.do_open_quarter(admin, scheme, "2027Q1")
    actions.do_self_assess(personas.secretary_a, a, {s.indicator_id: ("17", "台账") for s in a.scores.all()})
    a.refresh_from_db()
    # Five stars at 17 of 20, each above 16: 85 points, five stars, level 四星 (80-89).
    assert (a.total, a.stars_earned, a.level) == (D("85.00"), 5, "四星")
    assert not AuditEntry.objects.filter(action="stars.scheme.create").exclude(actor=admin).exists()


def test_a_new_scheme_levels_ask_for_the_stars_they_name(personas):
    # A blank scheme takes the default levels; 95 points with three stars is 三星, not 五星.
    town, admin = personas.town.town, personas.town_admin
    scheme = actions.do_start_scheme(admin, town, "2027", "东成镇2027年五星支部创建方案", "blank")
    assert scheme.levels == [{"min_total": 90, "min_stars": 5, "label": "五星"},
                             {"min_total": 80, "min_stars": 4, "label": "四星"},
                             {"min_total": 70, "min_stars": 3, "label": "三星"},
                             {"min_total": 60, "min_stars": 2, "label": "二星"}]
    for star in scheme.stars.all():
        actions.do_add_indicator(admin, star, f"{star.name}工作落实", "20", "manual")
    actions.do_update_scheme(admin, scheme, thresholds={s.code: "16" for s in scheme.stars.all()})
    a, _b = actions.do_open_quarter(admin, scheme, "2027Q1")
    points = {"branch": "20", "industry": "20", "ecology": "20", "safety": "19", "civility": "16"}
    actions.do_self_assess(personas.secretary_a, a, {s.indicator_id: (points[s.indicator.star.code], "台账")
                                                     for s in a.scores.select_related("indicator__star")})
    a.refresh_from_db()
    assert (a.total, a.stars_earned, a.level) == (D("95.00"), 5, "五星")
    for code in ("safety", "civility"):
        item = actions.do_add_veto_item(admin, _star(scheme, code), "发生重大事件")
        actions.do_flag_veto(admin, a, item, "经核实")
    a.refresh_from_db()
    assert (a.total, a.stars_earned, a.level) == (D("95.00"), 3, "三星")


WORST_FIRST = [{"min_total": 60, "min_stars": 2, "label": "二星"}, {"min_total": 70, "min_stars": 3, "label": "三星"},
               {"min_total": 80, "min_stars": 4, "label": "四星"}, {"min_total": 90, "min_stars": 5, "label": "五星"}]


def test_levels_entered_worst_first_are_kept_best_first(personas):
    # The first level a village reaches names it: stored worst first, 95 points and five stars would read 二星.
    town, admin = personas.town.town, personas.town_admin
    created = actions.do_create_scheme(admin, town, 2027, "2027年方案", defaults.blank_spec(), levels=WORST_FIRST)
    assert created.levels == default_levels()
    assert scoring.level_for(created.levels, D("95"), 5) == "五星"
    updated = actions.do_start_scheme(admin, town, 2028, "2028年方案", "blank")
    actions.do_update_scheme(admin, updated, levels=[dict(e, min_total=str(e["min_total"] + 5)) for e in WORST_FIRST])
    updated.refresh_from_db()
    assert [e["label"] for e in updated.levels] == ["五星", "四星", "三星", "二星"]
    assert scoring.level_for(updated.levels, D("95"), 5) == "五星"
    assert scoring.level_for(updated.levels, D("94.99"), 5) == "四星"


@pytest.mark.parametrize("levels, english_message, chinese", [
    ([{"min_total": 90, "label": "优秀"}, {"min_total": 90, "label": "良好"}],
     "Levels: 优秀 and 良好 ask for the same points and stars", "等次：优秀和良好要求的总分和星数相同"),
    ([{"min_total": 120, "label": "优秀"}], "Levels: 优秀 asks for 120 points; a level asks for 0 to 100 points.",
     "等次：优秀要求总分120分；等次要求的总分应在0到100分之间。"),
    ([{"min_total": -5, "label": "差"}], "Levels: 差 asks for -5 points", "等次：差要求总分-5分"),
])
def test_levels_that_cannot_work_are_refused_naming_the_field(personas, levels, english_message, chinese):
    from django.utils import translation

    town, admin = personas.town.town, personas.town_admin
    scheme = actions.do_start_scheme(admin, town, 2028, "2028年方案", "blank")
    for attempt in (lambda: actions.do_create_scheme(admin, town, 2027, "2027年方案", defaults.blank_spec(),
                                                     levels=levels),
                    lambda: actions.do_update_scheme(admin, scheme, levels=levels)):
        for language, expected in (("en", english_message), ("zh-hans", chinese)):
            with translation.override(language), pytest.raises(StarError) as refused:
                attempt()
            assert (refused.value.status, refused.value.field) == (400, "levels")
            assert expected in refused.value.message
    assert not Scheme.objects.filter(year=2027).exists()
    scheme.refresh_from_db()
    assert scheme.levels == default_levels()


def test_a_scheme_from_the_defaults_or_last_year(personas, scheme):
    admin, town = personas.town_admin, personas.town.town
    copied = actions.do_start_scheme(admin, town, 2027, "东成镇2027年方案（修订）", "copy")
    assert copied.name == "东成镇2027年方案（修订）" and Indicator.objects.filter(star__scheme=copied).count() == 14
    assert copied.levels == scheme.levels == default_levels()  # each level keeps the stars it needs
    with pytest.raises(StarError) as refused:
        actions.do_start_scheme(admin, town, 2029, "2029年方案", "copy")  # no 2028 scheme
    assert refused.value.field == "start"
    defaults = actions.do_start_scheme(admin, town, 2030, "2030年方案", "defaults")
    assert sum(i.max_points for i in Indicator.objects.filter(star__scheme=defaults)) == 100
    assert defaults.levels == default_levels()
    for year, name, start, field in [(2027, "又一个", "blank", "year"), ("20x", "方案", "blank", "year"),
                                     (1999, "方案", "blank", "year"), (2031, " ", "blank", "name"),
                                     (2031, "方案", "magic", "start")]:
        with pytest.raises(StarError) as refused:
            actions.do_start_scheme(admin, town, year, name, start)
        assert refused.value.field == field, (year, name, start)
    with pytest.raises(StarError):
        actions.do_start_scheme(admin, personas.town.village_a, 2031, "方案", "blank")


def test_a_star_without_indicators_is_never_earned():
    figures = scoring.star_figures([{"code": "empty", "threshold": 0, "points": [], "vetoed": False},
                                    {"code": "zero", "threshold": 0, "points": [D("0")], "vetoed": False}])
    assert figures["stars"]["empty"]["earned"] is False and figures["stars"]["zero"]["earned"] is True
    assert figures["stars_earned"] == 1


# --- levels that ask for stars ------------------------------------------------------------------------------

def test_a_level_that_also_needs_stars(personas, quarter):
    admin, a = personas.town_admin, quarter.a
    actions.do_update_scheme(admin, quarter.scheme, levels=[{"min_total": 40, "min_stars": "1", "label": "合格"},
                                                           {"min_total": 40, "label": "基本合格"}])
    quarter.scheme.refresh_from_db()
    assert quarter.scheme.levels == [{"min_total": 40, "label": "合格", "min_stars": 1},
                                     {"min_total": 40, "label": "基本合格"}]
    actions.do_self_assess(personas.secretary_a, a, manual_scores(a))
    a.refresh_from_db()
    # Manual at max, no case or income records: branch 7 + 6 + 5 = 18 (earned), industry 8, ecology 8 + 4,
    # safety 0 (no dispute case accepted: no figure, no points) + 4, civility 6 = 48.
    assert (a.total, a.stars_earned, a.level) == (D("48.00"), 1, "合格")
    with pytest.raises(StarError) as refused:
        actions.do_update_scheme(admin, quarter.scheme, levels=[{"min_total": 40, "min_stars": 6, "label": "超"}])
    assert refused.value.status == 400 and "5" in refused.value.message


# --- the web forms ------------------------------------------------------------------------------------------

def test_town_adds_and_removes_through_the_scheme_page(personas, quarter, login):
    client = login(personas.town_admin)
    page = client.get("/stars/scheme/2026/").content.decode()
    assert 'id="add-branch"' in page and "添加指标" in page and "全部指标满分合计100分" in page
    response = client.post("/stars/scheme/2026/", {"add_indicator": "branch", "name": "软弱涣散整顿",
                                                    "max_points": "2", "method": "dynamic", "base": "1"})
    assert response.status_code == 302 and response["Location"] == "/stars/scheme/2026/"
    added = Indicator.objects.get(star__scheme=quarter.scheme, name="软弱涣散整顿")
    assert (added.method, added.config, added.max_points) == ("dynamic", {"base": 1.0}, D("2.00"))
    page = client.get("/stars/scheme/2026/")
    assert "指标已添加。" in _messages(page)
    html = page.content.decode()
    assert "全部指标满分合计102分" in html and "完整的方案应为100分" in html
    response = client.post("/stars/scheme/2026/", {"add_indicator": "industry", "name": "办结率", "max_points": "3",
                                                    "method": "metric", "source": "cases.completion_rate",
                                                    "map": "linear", "floor": "0.9", "target": "0.8"}, follow=True)
    assert _messages(response) == ["满分线必须高于零分线。"]
    assert not Indicator.objects.filter(star__scheme=quarter.scheme, name="办结率").exists()
    response = client.post("/stars/scheme/2026/", {"remove_indicator": added.pk}, follow=True)
    assert "指标已删除。" in _messages(response) and not Indicator.objects.filter(pk=added.pk).exists()
    team = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.team")
    response = client.post("/stars/scheme/2026/", {"remove_indicator": team.pk}, follow=True)
    assert any("请先降低达标分" in m for m in _messages(response))
    veto = VetoItem.objects.get(star__scheme=quarter.scheme, code="safety.petition")
    response = client.post("/stars/scheme/2026/", {"remove_veto": veto.pk}, follow=True)
    assert "否决事项已删除。" in _messages(response) and not VetoItem.objects.filter(pk=veto.pk).exists()
    assert client.post("/stars/scheme/2026/", {"remove_indicator": 999999}).status_code == 404


def test_the_scheme_page_forms_after_submission_and_for_others(personas, quarter, login, advance):
    manual = Indicator.objects.get(star__scheme=quarter.scheme, code="civility.volunteer")
    secretary = login(personas.secretary_a)
    html = secretary.get("/stars/scheme/2026/").content.decode()
    assert 'id="add-branch"' not in html and 'name="remove_indicator"' not in html
    secretary.post("/stars/scheme/2026/", {"remove_indicator": manual.pk})
    assert Indicator.objects.filter(pk=manual.pk).exists()
    department = login(personas.department)
    department.post("/stars/scheme/2026/", {"add_indicator": "branch", "name": "x", "max_points": "1",
                                            "method": "manual"})
    assert Indicator.objects.filter(star__scheme=quarter.scheme).count() == 14
    advance(quarter.a, "submitted")
    client = login(personas.town_admin)
    html = client.get("/stars/scheme/2026/").content.decode()
    assert 'name="remove_indicator"' not in html and 'id="add-branch"' not in html
    response = client.post("/stars/scheme/2026/", {"remove_indicator": manual.pk}, follow=True)
    assert any("不能再修改" in m for m in _messages(response)), _messages(response)
    assert Indicator.objects.filter(pk=manual.pk).exists()


def test_the_level_stars_are_set_on_the_scheme_page(personas, scheme, login, api_client):
    client = login(personas.town_admin)
    assert 'name="level_stars_0"' in client.get("/stars/scheme/2026/").content.decode()
    client.post("/stars/scheme/2026/", {"level_min_0": "90", "level_stars_0": "5", "level_label_0": "五星",
                                        "level_min_1": "80", "level_label_1": "四星"})
    scheme.refresh_from_db()
    assert scheme.levels == [{"min_total": 90, "label": "五星", "min_stars": 5}, {"min_total": 80, "label": "四星"}]
    response = client.post("/stars/scheme/2026/", {"level_min_0": "90", "level_stars_0": "9",
                                                   "level_label_0": "五星"}, follow=True)
    assert "等次要求的星数应在0到5之间。" in _messages(response)
    scheme.refresh_from_db()
    assert scheme.levels[0]["min_stars"] == 5
    levels = api_client("town_admin").get("/api/v1/stars/schemes/2026").json()["levels"]
    assert levels[0] == {"min_total": 90, "label": "五星", "min_stars": 5}


def test_new_scheme_page(personas, scheme, login):
    client = login(personas.town_admin)
    page = client.get("/stars/scheme/new/")
    assert page.status_code == 200 and 'id="scheme-new-form"' in page.content.decode()
    assert "新建创建方案" in page.content.decode()
    response = client.post("/stars/scheme/new/", {"year": "2027", "name": "东成镇2027年方案", "start": "blank"})
    assert response.status_code == 302 and response["Location"] == "/stars/scheme/2027/"
    created = Scheme.objects.get(town=personas.town.town, year=2027)
    assert created.stars.count() == 5 and not Indicator.objects.filter(star__scheme=created).exists()
    page = client.get("/stars/scheme/2027/")
    assert "创建方案已建立：请添加指标和否决事项。" in _messages(page)
    assert "尚无指标" in page.content.decode()
    again = client.post("/stars/scheme/new/", {"year": "2027", "name": "重复", "start": "blank"})
    assert again.status_code == 400 and "东成镇已有2027年的创建方案。" in _messages(again)
    missing = client.post("/stars/scheme/new/", {"year": "2030", "name": "方案", "start": "copy"})
    assert missing.status_code == 400 and "东成镇没有2029年的创建方案可以复制。" in _messages(missing)
    for persona in ("secretary_a", "outsider", "resident_a1"):
        assert login(getattr(personas, persona)).get("/stars/scheme/new/").status_code == 404
        assert login(getattr(personas, persona)).post(
            "/stars/scheme/new/", {"year": "2031", "name": "方案", "start": "blank"}).status_code == 404
    assert not Scheme.objects.filter(year=2031).exists()


def test_a_year_without_a_scheme_leads_the_town_to_the_new_scheme_form(personas, scheme, login):
    response = login(personas.town_admin).get("/stars/scheme/2028/")
    assert response.status_code == 302 and response["Location"] == "/stars/scheme/new/?year=2028"
    form = login(personas.town_admin).get(response["Location"])
    assert form.context["form"]["year"] == "2028"
    assert login(personas.secretary_a).get("/stars/scheme/2028/").status_code == 404


def test_new_scheme_page_in_english(personas, login, english):
    response = login(personas.town_admin).post("/stars/scheme/new/", {"year": "1900", "name": "x", "start": "blank"})
    assert response.status_code == 400 and "Enter a year such as 2026." in _messages(response)


def test_a_county_administrator_picks_the_town(personas, scheme, login, county_admin):
    from gridgov.org import actions as org_actions

    org_actions.do_create_region(None, "445321105000", "簕竹镇", parent=personas.town.county)
    client = login(county_admin)
    page = client.get("/stars/scheme/new/")
    assert 'id="new-town"' in page.content.decode()
    response = client.post("/stars/scheme/new/", {"town": personas.town.town.code, "year": "2027", "name": "方案",
                                                  "start": "defaults"})
    assert response["Location"] == f"/stars/scheme/2027/?scope={personas.town.town.code}"
    assert client.get(response["Location"]).status_code == 200
    assert client.post("/stars/scheme/new/", {"town": "999", "year": "2028", "name": "方案"}).status_code == 404


def test_the_scheme_page_costs_the_same_however_many_indicators(personas, scheme, login,
                                                                 django_assert_max_num_queries):
    client = login(personas.town_admin)
    client.get("/stars/scheme/2026/")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/stars/scheme/2026/").status_code == 200
    for n in range(4):
        actions.do_add_indicator(personas.town_admin, _star(scheme, "branch"), f"新增指标{n}", "1", "manual")
        actions.do_add_veto_item(personas.town_admin, _star(scheme, "ecology"), f"新增否决{n}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get("/stars/scheme/2026/").content.decode()
    assert "新增指标3" in html and "新增否决3" in html
    assert len(before.captured_queries) <= 12, len(before.captured_queries)


def test_an_edit_waits_for_a_submission_in_progress(transactional_db, personas):
    """PostgreSQL: while a village's submission holds its assessment row, adding an indicator waits, then
    sees the submission and is refused (without the lock it would add an indicator the submitted
    assessment has no score for)."""
    import threading

    from django.db import connections, transaction

    from gridgov.stars import defaults
    from gridgov.stars.models import Assessment

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    scheme = actions.do_create_scheme(None, personas.town.town, 2026, "方案", defaults.scheme_spec())
    a = actions.do_open_quarter(None, scheme, PERIOD)[0]
    outcome = {}

    def edit():
        try:
            actions.do_add_indicator(personas.town_admin, _star(scheme, "branch"), "新指标", "2", "manual")
            outcome["result"] = "added"
        except StarError as exc:
            outcome["result"] = exc.status
        finally:
            connections.close_all()

    with transaction.atomic():
        Assessment.objects.select_for_update().get(pk=a.pk)
        worker = threading.Thread(target=edit)
        worker.start()
        worker.join(timeout=1.5)
        assert worker.is_alive()  # waiting for the row the submission holds
        Assessment.objects.filter(pk=a.pk).update(state="submitted")
    worker.join(timeout=15)
    assert outcome["result"] == 409
    assert not Indicator.objects.filter(star__scheme=scheme, name="新指标").exists()


def test_every_scheme_edit_shows_in_the_towns_audit_log(personas, scheme):
    from gridgov.core.scoping import VIEW, restrict

    star = _star(scheme, "branch")
    indicator = star.indicators.first()
    actions.do_update_indicator(personas.town_admin, indicator, name="三会一课落实情况")
    added = actions.do_add_indicator(personas.town_admin, star, "党员教育", 2, "manual", {})
    actions.do_remove_indicator(personas.town_admin, added)
    seen = set(restrict(personas.town_admin, VIEW, AuditEntry).filter(action__startswith="stars.indicator.")
               .values_list("action", flat=True))
    assert seen == {"stars.indicator.update", "stars.indicator.add", "stars.indicator.remove"}
    assert not restrict(personas.outsider, VIEW, AuditEntry).filter(action__startswith="stars.").exists()
