"""The whole of 四议两公开 through the actions once: six steps in order, the board item of each
publication, a question and its answer, a supervision check."""

import datetime
import json

import pytest
from django.utils import timezone

from gridgov.affairs import actions
from gridgov.affairs.models import Disclosure, Matter, Question, State
from gridgov.core import clock
from gridgov.org.models import Post

pytestmark = pytest.mark.django_db


def test_a_matter_goes_through_six_steps_and_reaches_the_board(personas, town):
    today = timezone.localdate(clock.now())
    day = today - datetime.timedelta(days=40)
    matter = actions.do_open_matter(personas.secretary_a, town.village_a.code, "修村道", "project", "120000")
    assert matter.required and matter.state == State.OPEN
    figures = {"expected": 5, "present": 5, "votes_for": 5}
    for step in ("propose", "discuss", "review"):
        actions.do_record_step(personas.secretary_a, matter, step, day, **figures)
        day += datetime.timedelta(days=3)
    with pytest.raises(actions.AffairsError) as refused:
        actions.do_record_step(personas.secretary_a, matter, "decide", day, assembly="representatives",
                               expected=30, present=19, votes_for=19)
    assert refused.value.status == 409 and "19" in refused.value.message and "20" in refused.value.message
    actions.do_record_step(personas.secretary_a, matter, "decide", day, assembly="representatives",
                           expected=30, present=20, votes_for=11, votes_against=5, abstain=4)
    actions.do_record_step(personas.secretary_a, matter, "publish_decision", day, body="决议：修村道")
    actions.do_record_step(personas.secretary_a, matter, "publish_result", today, body="已完工")
    matter.refresh_from_db()
    assert matter.state == State.DONE and matter.ended_on == today
    assert Disclosure.objects.filter(village=town.village_a).count() == 2
    item = Disclosure.objects.filter(village=town.village_a).first()
    question = actions.do_ask(personas.resident_a1, item, "花了多少钱？")
    assert question.asker == town.zhang
    actions.do_answer(personas.secretary_a, question, "12万元")
    assert Question.objects.get().answered_at is not None
    Post.objects.create(person=town.wang, kind=Post.Kind.SUPERVISOR, region=town.village_a, path=town.village_a.path)
    actions.do_remark(personas.party_a1, item, is_check=True)
    item.refresh_from_db()
    assert item.checked
    with pytest.raises(actions.AffairsError):
        actions.do_remark(personas.resident_a1, item, "看不到")
    assert Matter.objects.restrict(personas.outsider).count() == 0


def test_the_overview_flags_a_missing_finance_disclosure_and_a_stuck_matter(personas, town):
    from gridgov.affairs import queries

    today = timezone.localdate(clock.now())
    matter = actions.do_open_matter(personas.secretary_a, town.village_a, "鱼塘发包", "contract", "3000")
    Matter.objects.filter(pk=matter.pk).update(opened_at=clock.now() - datetime.timedelta(days=45))
    rows = {row.village.code: row for row in queries.overview(town.town.path, today)}
    a = rows[town.village_a.code]
    assert a.open == 1 and a.stuck == 1
    assert not a.overdue  # the town has not begun publishing on the board: nothing is owed yet
    first = actions.do_publish(personas.outsider, town.village_b, "party", "党员发展公示", body="公示")
    Disclosure.objects.filter(pk=first.pk).update(published_at=clock.now() - datetime.timedelta(days=200))
    rows = {row.village.code: row for row in queries.overview(town.town.path, today)}
    a = rows[town.village_a.code]
    # Finances are monthly by default: last year's months are owed and missing.
    assert any(o.kind == "finance" for o in a.overdue)
    last_month = queries.schedule.previous(queries.schedule.label("month", today))
    actions.do_publish(personas.secretary_a, town.village_a, "finance", "上月财务", period=last_month,
                       table=[{"item": "保洁费", "expense": "800"}], expense_total="800")
    after = {row.village.code: row for row in queries.overview(town.town.path, today)}[town.village_a.code]
    assert all(o.period != last_month or o.kind != "finance" for o in after.overdue)
    assert len(queries.current_items(town.village_a.path)) == 1


def test_the_town_appoints_supervisors_and_the_village_cannot(personas, town):
    with pytest.raises(actions.AffairsError) as refused:
        actions.do_appoint_supervisor(personas.secretary_a, town.village_a, town.wang)
    assert refused.value.status == 404
    post = actions.do_appoint_supervisor(personas.town_admin, town.village_a, town.wang.pk)
    assert actions.may_oversee(personas.party_a1, town.village_a.path)
    assert not actions.may_oversee(personas.party_a1, town.village_b.path)
    actions.do_remove_supervisor(personas.town_admin, post)
    assert not actions.may_oversee(personas.party_a1, town.village_a.path)


def test_a_question_tells_the_village_and_its_answer_tells_the_asker(personas, town):
    from gridgov.cases.models import Notification

    item = actions.do_publish(personas.secretary_a, town.village_a, "village", "村道硬化", body="拟硬化村道 800 米")
    question = actions.do_ask(personas.resident_a1, item, "什么时候开工？")
    told = Notification.objects.get(kind="affairs_question")
    assert told.user == personas.secretary_a and "村道硬化" in told.text and question.due_on.isoformat() in told.text
    actions.do_answer(personas.secretary_a, question, "下月开工")
    answered = Notification.objects.get(kind="affairs_answer")
    assert answered.user == personas.resident_a1 and "已答复" in answered.text


def test_a_grid_worker_asks_for_a_villager_only_about_what_is_public(personas, town):
    hidden = actions.do_publish(personas.secretary_a, town.village_a, "village", "内部草稿", body="未定稿", public=False)
    shown = actions.do_publish(personas.secretary_a, town.village_a, "village", "村道硬化", body="拟硬化村道")
    with pytest.raises(actions.AffairsError) as refused:
        actions.do_ask(personas.worker_a1, hidden, "这是什么？", asker=town.zhang.pk)
    assert refused.value.status == 404
    question = actions.do_ask(personas.worker_a1, shown, "什么时候开工？", asker=town.zhang.pk)
    assert question.asker == town.zhang and question.entered_by == personas.worker_a1


def test_the_public_board_masks_phones_id_numbers_and_the_askers_name_in_page_and_api(personas, town, client):
    item = actions.do_publish(personas.secretary_a, town.village_a, "village", "低保评议",
                              body="联系人电话 13812345678，身份证 445321198001010018")
    question = actions.do_ask(personas.resident_a1, item, f"我是{town.zhang.name}，电话13987654321，何时评议？")
    actions.do_answer(personas.secretary_a, question, f"{town.zhang.name}您好，下周评议")
    board = actions.do_rotate_board(personas.secretary_a, town.village_a)
    api = client.get(f"/api/v1/affairs/disclosures?village={town.village_a.code}").json()
    for text in (json.dumps(api, ensure_ascii=False),
                 client.get(f"/affairs/b/{board.token}/").content.decode()):
        assert "13812345678" not in text and "13987654321" not in text and "445321198001010018" not in text
        assert town.zhang.name not in text
        assert "下周评议" in text


def test_disclosures_are_owed_from_the_day_the_town_began_publishing(personas, town):
    from gridgov.affairs import queries

    today = timezone.localdate(clock.now())
    year_ago = today - datetime.timedelta(days=365)
    assert queries.owed_disclosures(town.town.path, year_ago, today) == []  # a town still on paper is told nothing
    first = actions.do_publish(personas.secretary_a, town.village_a, "party", "党员发展公示", body="公示")
    began = today - datetime.timedelta(days=100)
    Disclosure.objects.filter(pk=first.pk).update(published_at=clock.now() - datetime.timedelta(days=100))
    owed = queries.owed_disclosures(town.town.path, year_ago, today)
    assert owed and all(row.due_on > began for row in owed)
    assert {row.village_path for row in owed} == {town.village_a.path, town.village_b.path}  # the whole town owes


def test_a_matter_being_carried_out_is_not_stuck_however_long_the_work_takes(personas, town):
    from gridgov.affairs import queries
    from gridgov.affairs.models import AffairsSettings

    matter = actions.do_open_matter(personas.secretary_a, town.village_a, "建文化室", "project", "200000")
    config = AffairsSettings(path=town.town.path)
    for state, stuck in ((State.REVIEWED, True), (State.DECISION_PUBLISHED, False)):
        matter.state, matter.last_step_on = state, timezone.localdate(clock.now()) - datetime.timedelta(days=120)
        assert queries.flags(matter, config).stuck is stuck
