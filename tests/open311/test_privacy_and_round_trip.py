"""No personal data leaves through GET, and the round trip: a request posted through Open311 moves
through the case loop in gridgov and GET follows it to `closed`."""

import pytest

from gridgov.cases import actions as case_actions
from gridgov.cases.models import Case, CasePhoto
from gridgov.open311 import queries

from .conftest import POINT_A1

pytestmark = pytest.mark.django_db

SECRETS = ["13912345678", "li.ming@example.cn", "李明", "dev-secret-1", "acct-secret-1", "张建国", "13800000011",
           "445321197"]


def everything_public(o311, numbers, tokens):
    """Every GET answer of the server in both formats, as text."""
    out = []
    for fmt in ("xml", "json"):
        for resource in ["discovery", "services", "services/0101", "requests"] + [f"requests/{n}" for n in numbers] \
                + [f"tokens/{t}" for t in tokens]:
            response, _body = o311.get(resource, fmt)
            assert response.status_code == 200, (resource, response.content)
            out.append(response.content.decode("utf-8"))
        out.append(o311.get("requests", fmt, status="open,closed", service_request_id=",".join(numbers))[0]
                   .content.decode("utf-8"))
    return "\n".join(out)


def test_no_personal_data_in_any_get_answer(o311, key, personas, report, drive, clock):
    response, body = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               description="垃圾，联系我 13912345678 或 li.ming@example.cn", email="li.ming@example.cn",
                               first_name="明", last_name="李", phone="13912345678", device_id="dev-secret-1",
                               account_id="acct-secret-1")
    posted = body[0]
    # A resident's own report through the app, with a phone and a note naming a person on the timeline.
    resident_case = report(description="张建国家门口垃圾，电话13800000011", reporter_phone="13800000011")
    resident_case = case_actions.do_accept(personas.worker_a1, resident_case, note="已联系张建国 13800000011")
    text = everything_public(o311, [posted["service_request_id"], resident_case.number], [posted["token"]])
    for secret in SECRETS[:5] + ["13800000011"]:
        assert secret not in text, secret
    assert "139****5678" in text  # the Open311 description is published with the phone masked
    assert "***@example.cn" in text
    assert "已联系张建国 138****0011" in text  # a public note, masked
    item = o311.get(f"requests/{resident_case.number}")[1][0]
    assert item["description"] is None  # a resident's words are not published
    assert item["lat"] == round(POINT_A1[0], 3) and item["long"] == round(POINT_A1[1], 3)


def test_internal_notes_and_handlers_names_stay_inside(o311, key, personas, drive, clock):
    number = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[1][0][
        "service_request_id"]
    case = drive(Case.objects.get(number=number), "in_progress")
    case_actions.do_comment(personas.worker_a1, case, "内部：王志强家有矛盾，先别去")
    item = o311.get(f"requests/{number}")[1][0]
    assert item["status_notes"] is None
    assert "王志强" not in o311.get(f"requests/{number}", "xml")[0].content.decode()
    assert item["agency_responsible"] == "碧塘村 碧塘第一网格"  # not the party member handling it


def test_gridgov_photos_are_never_published(o311, key, personas, clock):
    import io

    from PIL import Image

    number = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[1][0][
        "service_request_id"]
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "p.jpg"
    case_actions.do_add_photo(personas.worker_a1, Case.objects.get(number=number), buffer)
    assert CasePhoto.objects.count() == 1
    assert o311.get(f"requests/{number}")[1][0]["media_url"] is None


def test_client_media_url_is_returned(o311, key, clock):
    number = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                       media_url="https://photos.example.org/a.jpg")[1][0]["service_request_id"]
    assert o311.get(f"requests/{number}", "xml")[1][0]["media_url"] == "https://photos.example.org/a.jpg"


def test_scrub_masks_phones_ids_and_emails_but_not_dates():
    assert queries.scrub("电话 138-1234-5678, 座机 0766-2881234，身份证 44532119800101123X，a.b@c.cn，2026-03-02") == (
        "电话 138****5678, 座机 076****1234，身份证 4453**********123X，***@c.cn，2026-03-02")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_round_trip_post_then_the_loop_then_closed(o311, key, personas, cfg, clock, fmt):
    response, body = o311.post(fmt, api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               description="巷口垃圾堆了三天")
    assert response.status_code == 200
    number, token = body[0]["service_request_id"], body[0]["token"]
    assert o311.get(f"tokens/{token}", fmt)[1] == [{"service_request_id": number, "token": token}]
    p = personas
    case = Case.objects.get(number=number)
    clock.shift(600)
    case_actions.do_accept(p.worker_a1, case, note="已受理，今天安排清运")
    item = o311.get(f"requests/{number}", fmt)[1][0]
    assert (item["status"], item["status_notes"]) == ("open", "已受理，今天安排清运")
    assert item["updated_datetime"] == "2026-03-02T10:10:00+08:00"
    case_actions.do_escalate(p.worker_a1, case, reason="需要村委会派车")
    item = o311.get(f"requests/{number}", fmt)[1][0]
    assert (item["agency_responsible"], item["status_notes"]) == ("碧塘村", "需要村委会派车")
    case_actions.do_accept(p.secretary_a, case)
    case_actions.do_dispatch(p.secretary_a, case, cfg.village_a_committee, note="内部：找老王的车")
    item = o311.get(f"requests/{number}", fmt)[1][0]
    assert item["agency_responsible"] == "碧塘村委会"
    assert item["status_notes"] == "需要村委会派车"  # the dispatch note is internal
    case_actions.do_claim(p.secretary_a, case)
    case_actions.do_resolve(p.secretary_a, case, result="已清运完毕")
    assert o311.get(f"requests/{number}", fmt)[1][0]["status"] == "open"
    case_actions.do_verify(p.worker_a1, case, passed=True, note="现场核查干净")
    item = o311.get(f"requests/{number}", fmt)[1][0]
    assert item["status"] == "closed"
    assert item["status_notes"] == "现场核查干净"
    assert item["expected_datetime"] in (None, "")  # a closed case has no clock
    closed = [i["service_request_id"] for i in o311.get("requests", fmt, status="closed")[1]]
    assert closed == [number]


@pytest.mark.parametrize("state,status", [("reported", "open"), ("accepted", "open"), ("dispatched", "open"),
                                          ("in_progress", "open"), ("suspended", "open"), ("resolved", "open"),
                                          ("closed", "closed"), ("rejected", "closed"), ("merged", "closed")])
def test_status_mapping(o311, report, drive, state, status):
    case = drive(report(), state)
    item = o311.get(f"requests/{case.number}")[1][0]
    assert item["status"] == status
    if state == "rejected":
        assert item["status_notes"] == "不属于受理范围"
    if state == "merged":
        assert item["status_notes"]
