"""The case page: one form per allowed action, posted through the do_* actions; a refusal is a message
and changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from gridgov.cases import actions
from gridgov.cases.models import CaseEvent, CasePhoto, Supervision

pytestmark = pytest.mark.usefixtures("english")


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile("done.jpg", out.getvalue(), content_type="image/jpeg")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def forms_on(html: str) -> set[str]:
    return {name for name in ("accept", "reject", "merge", "escalate", "dispatch", "publish", "claim", "resolve",
                              "verify", "rate", "supervise", "comment", "suspend", "return", "extend")
            if f"/act/{name}/" in html}


def test_the_page_offers_exactly_the_allowed_actions(personas, report, login, drive):
    case = report()
    worker_page = login(personas.worker_a1).get(f"/cases/{case.pk}/").content.decode()
    assert forms_on(worker_page) == {"accept", "reject", "merge", "escalate", "supervise", "comment"}
    resident_page = login(personas.resident_a1).get(f"/cases/{case.pk}/").content.decode()
    assert forms_on(resident_page) == {"comment"}
    drive(case, "in_progress")
    party_page = login(personas.party_a1).get(f"/cases/{case.pk}/").content.decode()
    assert {"resolve", "suspend", "return", "extend"} <= forms_on(party_page)
    assert "accept" not in forms_on(party_page)


def test_the_whole_loop_through_the_forms(personas, report, login):
    case = report()
    worker, party, resident = login(personas.worker_a1), login(personas.party_a1), login(personas.resident_a1)
    url = f"/cases/{case.pk}/act"
    assert worker.post(f"{url}/accept/", {"level": "grid", "priority": "urgent"}).status_code == 302
    worker.post(f"{url}/publish/")
    case.refresh_from_db()
    assert case.state == "dispatched" and case.in_pool and case.priority == "urgent"
    pool = party.get("/cases/pool/").content.decode()
    assert case.number in pool and f"/cases/{case.pk}/act/claim/" in pool
    response = party.post(f"{url}/claim/", {"next": f"/cases/{case.pk}/"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert party.post(f"{url}/resolve/", {"result": "已清运完毕", "photos": [jpeg()]}).status_code == 302
    case.refresh_from_db()
    assert case.state == "resolved"
    assert CasePhoto.objects.get(case=case).event.action == "resolve"
    worker.post(f"{url}/verify/", {"passed": "true", "note": "现场已干净"})
    case.refresh_from_db()
    assert case.state == "closed"
    mine = resident.get("/cases/mine/").content.decode()
    assert f"/cases/{case.pk}/act/rate/" in mine
    resident.post(f"{url}/rate/", {"rating": "satisfied", "next": "/cases/mine/"})
    case.refresh_from_db()
    assert case.rating == "satisfied"
    page = resident.get(f"/cases/{case.pk}/").content.decode()
    assert "已清运完毕" in page and "现场已干净" in page and "Satisfied" in page
    assert f"/cases/{case.pk}/act/rate/" not in page


def test_a_refused_action_is_a_message_and_changes_nothing(personas, report, login):
    case = report()
    client = login(personas.worker_a1)
    events_before = CaseEvent.objects.filter(case=case).count()
    response = client.post(f"/cases/{case.pk}/act/resolve/", {"result": "done"}, follow=True)
    assert response.status_code == 200
    assert any("cannot be given the action" in m for m in messages_of(response))
    response = client.post(f"/cases/{case.pk}/act/reject/", {"reason": ""}, follow=True)
    assert "Give the reason for not accepting the case." in messages_of(response)
    case.refresh_from_db()
    assert case.state == "reported" and CaseEvent.objects.filter(case=case).count() == events_before


def test_failed_verification_sends_it_back_for_rework(personas, report, login, drive):
    case = drive(report(), "resolved")
    login(personas.worker_a1).post(f"/cases/{case.pk}/act/verify/", {"passed": "false", "note": "还有垃圾"})
    case.refresh_from_db()
    assert case.state == "in_progress" and case.rework_count == 1


def test_losing_the_race_for_an_order_is_told_nicely(personas, report, login, more_party_members):
    case = report()
    actions.do_accept(personas.worker_a1, case)
    actions.do_publish(personas.worker_a1, case)
    rival = more_party_members(1)[0]
    loser = login(personas.party_a1)
    assert case.number in loser.get("/cases/pool/").content.decode()
    actions.do_claim(rival, case)
    response = loser.post(f"/cases/{case.pk}/act/claim/", {"next": f"/cases/{case.pk}/"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/cases/pool/"
    assert "Someone else took this order first." in messages_of(response)
    case.refresh_from_db()
    assert case.assignee == rival


def test_supervision_order_from_the_board(personas, report, login, drive):
    case = drive(report(), "in_progress")
    response = login(personas.town_admin).post(f"/cases/{case.pk}/act/supervise/",
                                               {"note": "请今天内处理", "next": "/cases/supervision/"})
    assert response.status_code == 302 and response["Location"] == "/cases/supervision/"
    order = Supervision.objects.get(case=case)
    assert order.note == "请今天内处理"
    party = login(personas.party_a1)
    assert "请今天内处理" in party.get(f"/cases/{case.pk}/").content.decode()
    party.post(f"/cases/{case.pk}/act/answer_supervision/", {"answer": "下午清运"})
    order.refresh_from_db()
    assert order.answer == "下午清运"


def test_unknown_action_and_get_are_refused(personas, report, login):
    case = report()
    client = login(personas.worker_a1)
    assert client.post(f"/cases/{case.pk}/act/explode/").status_code == 404
    assert client.get(f"/cases/{case.pk}/act/accept/").status_code == 405
    case.refresh_from_db()
    assert case.state == "reported"


def test_next_must_stay_on_this_site(personas, report, login):
    case = report()
    response = login(personas.worker_a1).post(f"/cases/{case.pk}/act/accept/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/cases/{case.pk}/"


def test_dispatch_offers_the_people_and_units_near_the_case(personas, report, login, cfg):
    case = report(category=cfg.neighbours)
    actions.do_escalate(personas.worker_a1, case, reason="需要村里调解")
    actions.do_accept(personas.secretary_a, case)
    client = login(personas.secretary_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="party_a1"' in page and 'value="worker_a1"' in page and 'value="U-A"' in page
    # Not the other village's secretary, not the town's departments (above a village-level case).
    assert 'value="outsider"' not in page and 'value="U-ZZ"' not in page and 'value="resident_a1"' not in page
    client.post(f"/cases/{case.pk}/act/dispatch/", {"to": "U-A"})
    case.refresh_from_db()
    assert case.state == "dispatched" and case.unit == cfg.village_a_committee


def test_transfer_to_another_person_with_a_reason(personas, report, login, drive):
    case = drive(report(), "dispatched")
    page = login(personas.worker_a1).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="transfer-to"' in page and 'id="transfer-reason"' in page
    login(personas.worker_a1).post(f"/cases/{case.pk}/act/transfer/", {"to": "worker_a1", "reason": "党员外出"})
    case.refresh_from_db()
    assert case.assignee == personas.worker_a1
    assert case.events.order_by("-pk").first().note == "党员外出"


def test_the_case_page_costs_the_same_queries_with_a_longer_timeline(personas, report, login):
    case = report()
    client = login(personas.worker_a1)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        return len(ctx.captured_queries)

    actions.do_comment(personas.worker_a1, case, "第一次记录")
    short = count()
    for n in range(5):
        actions.do_comment(personas.worker_a1, case, f"记录{n}")
        actions.do_add_photo(personas.worker_a1, case, jpeg())
    assert count() == short


def test_resident_adds_a_note_with_a_photo(personas, report, login):
    case = report()
    client = login(personas.resident_a1)
    client.post(f"/cases/{case.pk}/act/comment/", {"text": "今天更严重了", "photos": [jpeg()]})
    event = case.events.get(action="comment")
    assert event.note == "今天更严重了" and event.photos.count() == 1


def test_a_closed_case_takes_notes_but_no_photos(personas, report, login, drive):
    case = drive(report(), "closed")
    page = login(personas.resident_a1).get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/act/comment/" in page and 'id="comment-photos"' not in page
    open_page = login(personas.resident_a1).get(f"/cases/{report().pk}/").content.decode()
    assert 'id="comment-photos"' in open_page
