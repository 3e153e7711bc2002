"""The four steps (自评荐星 → 党委评星 → 复核定星 → 公示命名), their refusals and audit rows."""

import datetime
from decimal import Decimal as D

import pytest

from gridgov.core.models import AuditEntry
from gridgov.stars import actions
from gridgov.stars.actions import StarError
from gridgov.stars.models import Indicator, VetoItem

from .conftest import manual_scores


def test_the_whole_process_is_audited(personas, quarter, county_admin, clock):
    p, a = personas, quarter.a
    actions.do_self_assess(p.secretary_a, a, manual_scores(a))
    a = actions.do_submit(p.secretary_a, a, ["branch"])
    assert a.state == "submitted" and a.nominated == ["branch"]
    team = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.team")
    a = actions.do_review(p.town_admin, a, [{"indicator": team.pk, "points": 4, "reason": "班子分工不明确"}],
                          note="整体较好")
    assert a.state == "reviewed"
    assert a.scores.get(indicator=team).adjust_reason == "班子分工不明确"
    a = actions.do_confirm(county_admin, a)
    a = actions.do_publish(p.town_admin, a)
    assert a.publicity_until - a.published_at == datetime.timedelta(days=5)
    objection = actions.do_object(p.resident_a1, a, "环境整治得分偏高")
    with pytest.raises(StarError) as refused:
        actions.do_name(p.town_admin, a, now=a.publicity_until + datetime.timedelta(hours=1))
    assert refused.value.status == 409
    actions.do_answer(p.town_admin, objection, "已复核台账，得分有据")
    a = actions.do_name(p.town_admin, a, now=a.publicity_until + datetime.timedelta(hours=1))
    assert a.state == "named"
    logged = list(AuditEntry.objects.filter(object_type="stars.assessment", object_id=str(a.pk))
                  .values_list("action", flat=True))
    for step in ["stars.assessment.open", "stars.score.self", "stars.submit", "stars.score.adjust", "stars.review",
                 "stars.confirm", "stars.publish", "stars.object", "stars.answer", "stars.name"]:
        assert step in logged
    assert AuditEntry.objects.get(action="stars.review", object_id=str(a.pk)).actor == p.town_admin


def test_only_the_village_secretary_submits(personas, quarter):
    a = quarter.a
    with pytest.raises(StarError) as refused:
        actions.do_submit(personas.town_admin, a, [])
    assert refused.value.status == 403
    with pytest.raises(StarError) as refused:
        actions.do_submit(personas.outsider, a, [])  # the secretary of village B
    assert refused.value.status == 404


def test_submit_needs_every_manual_indicator(personas, quarter):
    with pytest.raises(StarError) as refused:
        actions.do_submit(personas.secretary_a, quarter.a, [])
    assert refused.value.status == 409
    quarter.a.refresh_from_db()
    assert quarter.a.state == "draft"


def test_a_star_not_earned_cannot_be_nominated(personas, quarter):
    a = quarter.a
    actions.do_self_assess(personas.secretary_a, a, manual_scores(a, points=1))
    with pytest.raises(StarError) as refused:
        actions.do_submit(personas.secretary_a, a, ["branch"])
    assert "支部过硬星" in refused.value.message
    a.refresh_from_db()
    assert a.state == "draft" and a.nominated == []


def test_steps_out_of_order_are_refused(personas, quarter, county_admin, advance):
    a = quarter.a
    for func, actor in [(actions.do_review, personas.town_admin), (actions.do_confirm, county_admin),
                        (actions.do_publish, personas.town_admin)]:
        with pytest.raises(StarError) as refused:
            func(actor, a) if func is not actions.do_review else func(actor, a, [])
        assert refused.value.status == 409
    a = advance(a, "submitted")
    with pytest.raises(StarError) as refused:
        actions.do_submit(personas.secretary_a, a, [])
    assert refused.value.status == 409


def test_the_town_cannot_confirm_and_the_county_does_not_review(personas, quarter, county_admin, advance):
    a = advance(quarter.a, "submitted")
    with pytest.raises(StarError) as refused:
        actions.do_review(county_admin, a, [])
    assert refused.value.status == 403
    a = advance(a, "reviewed")
    with pytest.raises(StarError) as refused:
        actions.do_confirm(personas.town_admin, a)
    assert refused.value.status == 403
    with pytest.raises(StarError) as refused:
        actions.do_confirm(personas.secretary_a, a)
    assert refused.value.status == 403
    assert actions.do_confirm(county_admin, a).state == "confirmed"


def test_a_change_in_review_needs_its_reason(personas, quarter, advance):
    a = advance(quarter.a, "submitted")
    team = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.team")
    with pytest.raises(StarError) as refused:
        actions.do_review(personas.town_admin, a, [{"indicator": team.pk, "points": 2, "reason": " "}])
    assert refused.value.field == f"reason_{team.pk}"
    a.refresh_from_db()
    assert a.state == "submitted" and a.scores.get(indicator=team).points == D("6.00")
    with pytest.raises(StarError):
        actions.do_review(personas.town_admin, a, [{"indicator": team.pk, "points": 7, "reason": "超出上限"}])


def test_objections_only_during_publicity_and_from_the_village(personas, quarter, advance):
    a = advance(quarter.a, "published")
    with pytest.raises(StarError) as refused:
        actions.do_object(personas.outsider, a, "我不同意")
    assert refused.value.status == 403
    with pytest.raises(StarError) as refused:
        actions.do_object(personas.resident_a1, a, "我不同意", now=a.publicity_until)
    assert refused.value.status == 409
    with pytest.raises(StarError) as refused:
        actions.do_name(personas.town_admin, a, now=a.publicity_until - datetime.timedelta(minutes=1))
    assert refused.value.status == 409


def test_the_worker_names_results_after_publicity(personas, quarter, advance):
    a = advance(quarter.a, "published")
    b = advance(quarter.b, "published")
    actions.do_object(personas.outsider, b, "得分有误")  # village B's secretary objects to B
    assert actions.name_due(a.publicity_until - datetime.timedelta(seconds=1)) == 0
    assert actions.name_due(a.publicity_until + datetime.timedelta(seconds=1)) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == "named" and b.state == "published"  # B waits for its answer


def test_a_veto_blocks_the_star_whatever_its_points(personas, quarter):
    a = quarter.a
    actions.do_self_assess(personas.secretary_a, a, manual_scores(a))
    a.refresh_from_db()
    assert a.figures["stars"]["branch"]["earned"] is True  # 7 + 6 + base 5 = 18 >= 16
    item = VetoItem.objects.get(star__scheme=quarter.scheme, code="branch.discipline")
    actions.do_flag_veto(personas.town_admin, a, item, "支委委员受党内警告处分")
    a.refresh_from_db()
    assert a.figures["stars"]["branch"] == {"score": "18.00", "earned": False, "vetoed": True}
    with pytest.raises(StarError):
        actions.do_submit(personas.secretary_a, a, ["branch"])


def test_rewards_and_penalties_move_a_dynamic_indicator(personas, quarter):
    a = quarter.a
    vanguard = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.vanguard")  # base 5, max 7
    actions.do_add_entry(personas.town_admin, a, vanguard, "1.5", "党员带头抗洪抢险", "表彰文件")
    actions.do_add_entry(personas.town_admin, a, vanguard, "-0.5", "主题党日缺席两人")
    assert a.scores.get(indicator=vanguard).points == D("6.00")
    with pytest.raises(StarError) as refused:
        actions.do_add_entry(personas.secretary_a, a, vanguard, "3", "自己加分")
    assert refused.value.status == 403
    entry = a.entries.first()
    assert entry.approver == personas.town_admin
    assert AuditEntry.objects.filter(action="stars.entry.add", object_id=str(a.pk)).count() == 2


def test_nothing_is_written_on_a_refused_self_assessment(personas, quarter):
    a = quarter.a
    scores = manual_scores(a)
    first = next(iter(scores))
    scores[first] = (99, "超过上限")
    with pytest.raises(StarError) as refused:
        actions.do_self_assess(personas.secretary_a, a, scores)
    assert refused.value.status == 400
    assert not a.scores.filter(self_points__isnull=False).exists()
