"""The pages of village affairs: a secretary takes a matter through 四议两公开 on the matter page (a refused step
keeps its input and shows the figures by the field), publishes on the board (a finance table with its totals
checked), the public board by its secret link carries no personal data, residents ask and staff answer,
the supervision committee checks, the town sets its rules; who sees what (outsiders 404); the pages' query
counts do not grow with their rows."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gridgov.affairs import actions
from gridgov.affairs.models import (
    AffairsSettings,
    Board,
    Disclosure,
    Matter,
    MatterRule,
    Question,
    Remark,
    State,
)
from gridgov.org import actions as org_actions
from gridgov.org.models import Post

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _step(client, matter, step, **values):
    return client.post(f"/affairs/matters/{matter.pk}/", {"step": step, **values})


def test_a_secretary_takes_a_matter_through_the_six_steps_on_its_page(personas, login, at):
    at(2026, 12, 4)
    town = personas.town
    secretary = login(personas.secretary_a)
    r = secretary.post("/affairs/matters/new/", {"village": town.village_a.code, "title": "修建村道", "kind": "project",
                                                 "amount": "120000", "description": "硬化村道 800 米"})
    matter = Matter.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/affairs/matters/{matter.pk}/"
    page = _page(secretary.get(r["Location"]))
    assert "党支部会议提议" in page and 'name="step" value="propose"' in page and "实施结果公开" in page
    for day, step in (("2026-11-02", "propose"), ("2026-11-05", "discuss"), ("2026-11-10", "review")):
        r = _step(secretary, matter, step, date=day, expected="7", present="6", votes_for="5", votes_against="1",
                  abstain="0", outcome="passed", minutes="同意")
        assert r.status_code == 302, r.content.decode()[:3000]
    # The villager representatives' meeting without two thirds present: refused, input kept, figures shown.
    r = _step(secretary, matter, "decide", date="2026-11-20", assembly="representatives", expected="30",
              present="19", votes_for="19", votes_against="0", abstain="0", outcome="passed", minutes="代表会议纪要甲")
    page = _page(r)
    error = page.split('id="error-present"')[1].split("</p>")[0]
    assert "19" in error and "30" in error and "20" in error
    assert 'value="19"' in page and "代表会议纪要甲" in page and 'value="2026-11-20"' in page
    matter.refresh_from_db()
    assert matter.state == State.REVIEWED
    # A step out of order is refused too (the form names only the next step; a crafted post is told).
    page = _page(_step(secretary, matter, "publish_result", date="2026-11-21", body="x"))
    assert 'id="error-step"' in page and "村民（代表）会议决议" in page.split('id="error-step"')[1][:400]
    r = _step(secretary, matter, "decide", date="2026-11-20", assembly="representatives", expected="30", present="20",
              votes_for="11", votes_against="5", abstain="4", outcome="passed")
    assert r.status_code == 302
    r = _step(secretary, matter, "publish_decision", date="2026-11-21", body="决议：修建村道，预算12万元")
    assert r.status_code == 302
    r = _step(secretary, matter, "publish_result", date="2026-12-03", body="已完工，实际支出11.8万元")
    assert r.status_code == 302
    matter.refresh_from_db()
    assert matter.state == State.DONE and Disclosure.objects.filter(village=town.village_a).count() == 2
    page = _page(secretary.get(f"/affairs/matters/{matter.pk}/"))
    assert "20" in page and "11" in page and 'id="step-form"' not in page and "已完工" in page
    # Town staff read it; nobody else does.
    assert login(personas.town_admin).get(f"/affairs/matters/{matter.pk}/").status_code == 200
    auditor = org_actions.do_create_user(None, "auditor_t", "auditor", town.town.code, password="x-Grid-2026")
    for user in (personas.outsider, personas.department, personas.resident_a1, personas.party_a1, personas.worker_a1,
                 auditor):
        assert login(user).get(f"/affairs/matters/{matter.pk}/").status_code == 404, user.username
        # An auditor reads nothing here and writes nowhere (refused before the page: 403).
        assert login(user).post(f"/affairs/matters/{matter.pk}/", {"step": "x"}).status_code in (403, 404), user
    assert Client().get(f"/affairs/matters/{matter.pk}/").status_code == 302  # to the login page


def test_a_rejection_ends_the_matter_and_a_no_majority_entry_is_refused(personas, login, at):
    from gridgov.meetings import actions as meetings

    at(2026, 12, 4)
    town = personas.town
    branch = org_actions.do_create_party_org(None, "P445321104201", "碧塘村党支部", "branch", town.village_a,
                                             grid=town.grid_a)
    member = org_actions.do_create_person(None, name="周永红", grid=town.a2, is_party_member=True, party_org=branch)
    held = meetings.do_record(personas.secretary_a, branch, "committee", datetime.date(2026, 12, 1),
                              "讨论鱼塘发包", attendees=[member.pk])
    secretary = login(personas.secretary_a)
    matter = actions.do_open_matter(personas.secretary_a, town.village_a, "鱼塘发包", "contract", "3000")
    assert "讨论鱼塘发包" in _page(secretary.get(f"/affairs/matters/{matter.pk}/"))  # the branch's meeting to link
    page = _page(_step(secretary, matter, "propose", date="2026-12-01", expected="7", present="7", votes_for="3",
                       votes_against="4", abstain="0", outcome="passed"))
    assert 'id="error-votes_for"' in page and 'value="3"' in page
    r = _step(secretary, matter, "propose", date="2026-12-01", expected="7", present="7", votes_for="3",
              votes_against="4", abstain="0", outcome="rejected", minutes="不同意发包", meeting=str(held.pk))
    assert r.status_code == 302
    page = _page(secretary.get(f"/affairs/matters/{matter.pk}/"))
    assert f'href="/meetings/{held.pk}/"' in page
    assert 'id="step-form"' not in page and 'class="step skipped"' in page


def _board_in_use(personas, at, *day):
    """The town began publishing on the board that day (scheduled disclosures are owed from then on)."""
    at(*day)
    actions.do_publish(personas.secretary_a, personas.town.village_a, "party", "党员发展公示", body="公示")


def test_town_staff_see_every_village_and_secretaries_their_own(personas, login, at):
    _board_in_use(personas, at, 2026, 6, 1)
    at(2026, 12, 11)
    town = personas.town
    actions.do_open_matter(personas.secretary_a, town.village_a, "碧塘修桥", "project", "50000")
    actions.do_open_matter(personas.outsider, town.village_b, "都斛修渠", "project", "50000")
    admin = _page(login(personas.town_admin).get("/affairs/"))
    assert "碧塘修桥" in admin and "都斛修渠" in admin and 'id="overview"' in admin
    # November's finances were due by 10 December: on the 11th both villages owe them.
    assert "都斛村" in admin and int(admin.split('id="overdue-total">')[1].split("<")[0]) >= 2
    assert "都斛修渠" not in _page(login(personas.town_admin).get("/affairs/", {"village": town.village_a.code}))
    mine = _page(login(personas.secretary_a).get("/affairs/"))
    assert "碧塘修桥" in mine and "都斛修渠" not in mine and "2026-11" in mine and "未按时公开" in mine
    outsider = _page(login(personas.outsider).get("/affairs/"))
    assert "碧塘" not in outsider and "都斛修渠" in outsider
    assert login(personas.department).get("/affairs/").status_code == 404
    auditor = org_actions.do_create_user(None, "auditor_t", "auditor", town.town.code)
    for url in ("/affairs/", "/affairs/village/", "/affairs/board/", "/affairs/settings/", "/affairs/matters/new/"):
        assert login(auditor).get(url).status_code == 404, url
    assert login(personas.resident_a1).get("/affairs/")["Location"] == "/affairs/village/"
    for url in ("/affairs/matters/new/", "/affairs/board/"):
        for user in (personas.town_admin, personas.department, personas.resident_a1, personas.worker_a1):
            assert login(user).get(url).status_code == 404, (url, user.username)
    for user in (personas.secretary_a, personas.outsider, personas.department, personas.resident_a1):
        assert login(user).get("/affairs/settings/").status_code == 404, user.username


def test_a_month_is_overdue_the_day_after_its_due_day(personas, login, at):
    def overdue_list():
        page = _page(login(personas.secretary_a).get("/affairs/"))
        return page.split('id="overdue-list"')[1].split("</ul>")[0] if 'id="overdue-list"' in page else ""

    def overdue(period):
        return f"· {period}</span>" in overdue_list()

    _board_in_use(personas, at, 2026, 6, 1)
    at(2026, 12, 10)  # November's finances are due today: not late yet
    assert not overdue("2026-11") and overdue("2026-10")
    actions.do_publish(personas.secretary_a, personas.town.village_a, "finance", "10月财务", period="2026-10",
                       table=[{"item": "保洁费", "expense": "800"}])
    assert not overdue("2026-10")
    at(2026, 12, 11)
    assert overdue("2026-11")
    at(2027, 1, 10)  # a quarter's end: the fourth quarter's village affairs are due by 10 January
    assert overdue("2026Q3") and not overdue("2026Q4")
    at(2027, 1, 11)
    assert overdue("2026Q4")


def test_publishing_a_finance_table_checks_its_totals_and_keeps_the_input(personas, login, at):
    at(2026, 12, 4)
    secretary = login(personas.secretary_a)
    form = {"village": personas.town.village_a.code, "what": "publish", "kind": "finance", "period": "2026-11",
            "title": "11月财务收支", "public": "1", "item_1": "土地租金", "income_1": "12000", "item_2": "保洁费",
            "expense_2": "800.50", "item_3": "", "income_total": "12000", "expense_total": "900"}
    page = _page(secretary.post("/affairs/board/", form))
    assert 'id="error-expense_total"' in page and "800.50" in page and 'value="土地租金"' in page
    assert not Disclosure.objects.exists()
    r = secretary.post("/affairs/board/", {**form, "expense_total": "800.50"})
    assert r.status_code == 302
    item = Disclosure.objects.get()
    assert (item.income_total, str(item.expense_total), len(item.table), item.late) == (12000, "800.50", 2, False)
    page = _page(secretary.get("/affairs/board/"))
    assert "11月财务收支" in page and "公开链接" in page or 'id="rotate-link"' in page
    r = secretary.post("/affairs/board/", {"village": personas.town.village_a.code, "what": "rotate"})
    assert r.status_code == 302 and Board.objects.get(region=personas.town.village_a).token
    old = Board.objects.get().token
    secretary.post("/affairs/board/", {"village": personas.town.village_a.code, "what": "rotate"})
    assert Client().get(f"/affairs/b/{old}/").status_code == 404
    assert Client().get(f"/affairs/b/{Board.objects.get().token}/").status_code == 200
    # Another village's secretary cannot publish or rotate for A.
    outsider = login(personas.outsider)
    outsider.post("/affairs/board/", {**form, "village": personas.town.village_a.code, "expense_total": "800.50",
                                      "title": "越权"})
    assert not Disclosure.objects.filter(title="越权", village=personas.town.village_a).exists()


def test_the_public_board_shows_no_personal_data(personas, login, at):
    at(2026, 12, 4)
    town = personas.town
    item = actions.do_publish(personas.secretary_a, town.village_a, "village", "村道修建公示", body="修建村道800米")
    hidden = actions.do_publish(personas.secretary_a, town.village_a, "village", "内部草稿", body="x", public=False)
    board = actions.do_rotate_board(personas.secretary_a, town.village_a)
    resident = login(personas.resident_a1)
    url = f"/affairs/b/{board.token}/"
    page = _page(resident.get(url))
    assert f'id="ask-send-{item.pk}"' in page
    zhang = town.zhang
    text = f"我是{zhang.name}，电话{zhang.phone}，身份证{zhang.id_number}，村道哪天完工？"
    r = resident.post("/affairs/ask/", {"target": "disclosure", "id": item.pk, "text": text, "next": url})
    assert r.status_code == 302 and r["Location"] == url
    question = Question.objects.get()
    assert question.asker_id == zhang.pk
    actions.do_answer(personas.secretary_a, question, f"{zhang.name}您好，月底完工，有事打{zhang.phone}")
    Post.objects.create(person=town.wang, kind=Post.Kind.SUPERVISOR, region=town.village_a, path=town.village_a.path)
    actions.do_remark(personas.party_a1, item, f"已核实，联系人电话{zhang.phone}", is_check=True)
    response = Client().get(url)
    page = _page(response)
    assert "村道哪天完工" in page and "月底完工" in page and "内部草稿" not in page and hidden.title not in page
    assert "已核实" in page and town.wang.name not in page  # the committee's check, without its member's name
    assert zhang.name not in page and zhang.phone not in page and zhang.id_number not in page
    assert zhang.phone[:3] + "****" + zhang.phone[-4:] in page
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex"
    assert 'action="/affairs/ask/"' not in page and "网格员" in page  # how to ask, without a form
    assert Client().get("/affairs/b/not-a-token/").status_code == 404
    # The signed-in resident's own page: the same board, their question and its answer.
    mine = _page(resident.get("/affairs/village/"))
    assert "村道修建公示" in mine and 'id="my-questions"' in mine and "月底完工" in mine
    # A resident of another village cannot ask about A's item.
    other = org_actions.do_create_user(None, "resident_b1", "resident", town.b1.code, person=town.liu)
    r = login(other).post("/affairs/ask/", {"target": "disclosure", "id": item.pk, "text": "?"})
    assert r.status_code == 404 and Question.objects.count() == 1


def test_a_grid_worker_asks_for_a_villager_and_staff_answer(personas, login, at):
    at(2026, 12, 4)
    town = personas.town
    item = actions.do_publish(personas.secretary_a, town.village_a, "party", "发展党员公示", body="公示期7天")
    worker = login(personas.worker_a1)
    page = _page(worker.get("/affairs/village/"))
    assert 'id="ask-for-form"' in page and "张建国" in page and "陈丽华" not in page  # A2's people are not theirs
    r = worker.post("/affairs/ask/", {"target": "disclosure", "id": item.pk, "asker": town.zhang.pk,
                                      "text": "公示期多久？", "next": "/affairs/village/"})
    assert r.status_code == 302
    question = Question.objects.get()
    assert question.asker_id == town.zhang.pk and question.entered_by_id == personas.worker_a1.pk
    secretary = login(personas.secretary_a)
    assert "公示期多久" in _page(secretary.get("/affairs/"))
    assert login(personas.outsider).post(f"/affairs/questions/{question.pk}/answer/", {"answer": "x"}).status_code == 404
    r = secretary.post(f"/affairs/questions/{question.pk}/answer/", {"answer": "七天", "next": "/affairs/"})
    assert r.status_code == 302 and Question.objects.get().answer == "七天"


def test_the_supervision_committee_comments_and_checks(personas, login, at):
    at(2026, 12, 4)
    town = personas.town
    Post.objects.create(person=town.wang, kind=Post.Kind.SUPERVISOR, region=town.village_a, path=town.village_a.path)
    matter = actions.do_open_matter(personas.secretary_a, town.village_a, "集体收益分配", "income", "80000")
    item = actions.do_publish(personas.secretary_a, town.village_a, "village", "收益分配方案", body="方案")
    member = login(personas.party_a1)
    page = _page(member.get(f"/affairs/matters/{matter.pk}/"))
    assert f'id="check-matter-{matter.pk}"' in page and 'id="step-form"' not in page
    member.post("/affairs/remark/", {"target": "matter", "id": matter.pk, "text": "预算需细化"})
    member.post("/affairs/remark/", {"target": "disclosure", "id": item.pk, "check": "1"})
    assert list(Remark.objects.values_list("text", "is_check")) == [("预算需细化", False), ("", True)]
    assert Disclosure.objects.get(pk=item.pk).checked
    assert 'id="oversee"' in _page(member.get("/affairs/village/"))
    # The secretary reads the remark; a resident may not remark.
    assert "预算需细化" in _page(login(personas.secretary_a).get(f"/affairs/matters/{matter.pk}/"))
    assert login(personas.resident_a1).post("/affairs/remark/", {"target": "matter", "id": matter.pk,
                                                                 "text": "x"}).status_code == 404


def test_the_town_sets_days_rules_and_schedules(personas, login):
    admin = login(personas.town_admin)
    assert "四议两公开" in _page(admin.get("/affairs/settings/"))
    r = admin.post("/affairs/settings/", {"what": "settings", "board_days": "10", "due_days": "15", "answer_days": "5",
                                          "stuck_days": "20", "publish_days": "7"})
    assert r.status_code == 302
    assert AffairsSettings.objects.get().board_days == 10
    page = _page(admin.post("/affairs/settings/", {"what": "settings", "board_days": "0", "due_days": "15",
                                                   "answer_days": "5", "stuck_days": "20", "publish_days": "7"}))
    assert 'id="error-board_days"' in page
    rules = {f"required_{k}": "1" for k in ("project", "contract", "income")}
    admin.post("/affairs/settings/", {"what": "rules", **rules, "amount_project": "0", "amount_contract": "0",
                                      "amount_spending": "50000", "amount_income": "10000", "amount_other": "0"})
    assert set(MatterRule.objects.values_list("kind", "required", "min_amount")) == {
        ("spending", False, 50000), ("income", True, 10000)}
    admin.post("/affairs/settings/", {"what": "schedule", "frequency_village": "month", "frequency_finance": "month",
                                      "frequency_party": "event"})
    assert actions.schedule_for(personas.town.town)["village"] == "month"


def test_home_box_and_menu(personas, login, at):
    at(2026, 12, 11)
    actions.do_open_matter(personas.secretary_a, personas.town.village_a, "碧塘修桥", "project", "50000")
    secretary = login(personas.secretary_a)
    home = _page(secretary.get("/"))
    assert 'hx-get="/affairs/box/"' in home and 'href="/affairs/"' in home
    box = _page(secretary.get("/affairs/box/"))
    assert 'id="affairs-waiting">1<' in box and 'id="affairs-overdue">' in box
    assert 'id="affairs-flagged">' in _page(login(personas.town_admin).get("/affairs/box/"))
    assert 'href="/affairs/village/"' in _page(login(personas.resident_a1).get("/"))
    assert "/affairs/" not in _page(login(personas.department).get("/"))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(personas, n, start):
    town = personas.town
    for i in range(start, start + n):
        m = actions.do_open_matter(personas.secretary_a, town.village_a, f"事项{i}", "project", "1000")
        actions.do_record_step(personas.secretary_a, m, "propose", "2026-12-01", expected=5, present=5, votes_for=5)
        actions.do_open_matter(personas.outsider, town.village_b, f"都斛事项{i}", "project", "1000")
        item = actions.do_publish(personas.secretary_a, town.village_a, "village", f"公示{i}", body="内容")
        actions.do_publish(personas.secretary_a, town.village_a, "finance", f"财务{i}", period="2026-11",
                           table=[{"item": "租金", "income": "100"}, {"item": "电费", "expense": "20"}])
        q = actions.do_ask(personas.resident_a1, item, f"问题{i}")
        if i % 2 == 0:
            actions.do_answer(personas.secretary_a, q, "答复")


def test_page_query_counts_do_not_grow_with_rows(personas, login, at):
    at(2026, 12, 4)
    board = actions.do_rotate_board(personas.secretary_a, personas.town.village_a)
    _grow(personas, 1, 0)
    pages = [(personas.secretary_a, "/affairs/"), (personas.secretary_a, "/affairs/board/"),
             (personas.town_admin, "/affairs/"), (personas.town_admin, "/affairs/?flag=stuck"),
             (None, f"/affairs/b/{board.token}/"), (personas.resident_a1, "/affairs/village/"),
             (personas.worker_a1, "/affairs/village/"), (personas.secretary_a, "/affairs/box/"),
             (personas.town_admin, "/affairs/box/")]
    clients = [(login(u) if u else Client(), url) for u, url in pages]
    matter = Matter.objects.filter(village=personas.town.village_a).first()
    clients.append((login(personas.secretary_a), f"/affairs/matters/{matter.pk}/"))
    before = [_count(c, url) for c, url in clients]
    _grow(personas, 8, 1)
    after = [_count(c, url) for c, url in clients]
    assert after == before, list(zip([u for _c, u in clients], before, after, strict=True))
    assert max(before) <= 25, before


def test_files_of_a_matter_and_of_a_board_item_open_only_to_who_may_read_them(personas, login, settings, tmp_path, at):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.services.conftest import PDF

    at(2026, 12, 4)
    settings.MEDIA_ROOT = tmp_path
    town = personas.town
    secretary = login(personas.secretary_a)
    r = secretary.post("/affairs/matters/new/", {"village": town.village_a.code, "title": "鱼塘发包", "kind": "contract",
                                                 "amount": "3000", "files": [SimpleUploadedFile("合同.pdf", PDF)]})
    matter = Matter.objects.get()
    page = _page(secretary.get(r["Location"]))
    link = page.split('id="files"')[1].split('href="')[1].split('"')[0]
    assert secretary.get(link).status_code == 200
    for user in (personas.outsider, personas.resident_a1, personas.department):
        assert login(user).get(link).status_code == 404, user.username
    r = secretary.post("/affairs/board/", {"village": town.village_a.code, "what": "publish", "kind": "village",
                                           "title": "发包合同公示", "body": "见附件", "public": "1",
                                           "files": [SimpleUploadedFile("合同.pdf", PDF)]})
    assert r.status_code == 302
    board = actions.do_rotate_board(personas.secretary_a, town.village_a)
    public = _page(Client().get(f"/affairs/b/{board.token}/"))
    link = public.split('class="item-files"')[1].split('href="')[1].split('"')[0]
    assert link.startswith(f"/affairs/b/{board.token}/files/") and Client().get(link).status_code == 200
    assert Client().get(link.replace(board.token, "x" * 32)).status_code == 404
    assert matter.files.count() == 1


def test_the_town_records_a_villages_supervision_committee_and_its_board_link(personas, town, login):
    page = f"/affairs/settings/{town.village_a.code}/"
    for outsider in (personas.secretary_a, personas.outsider, personas.department, personas.resident_a1):
        assert login(outsider).get(page).status_code == 404
    admin = login(personas.town_admin)
    assert town.wang.name in _page(admin.get(page))  # an adult of the village, offered to appoint
    assert admin.post(page, {"what": "appoint", "person": town.wang.pk}).status_code == 302
    post = Post.objects.get(kind=Post.Kind.SUPERVISOR, region=town.village_a)
    assert post.person == town.wang
    overview = _page(admin.get("/affairs/settings/"))
    assert town.wang.name in overview and "settings-villages" in overview
    assert actions.may_oversee(personas.party_a1, town.village_a.path)
    again = admin.post(page, {"what": "appoint", "person": town.wang.pk})
    assert again.status_code == 200 and "已是村务监督委员会成员" in again.content.decode()
    stranger = admin.post(page, {"what": "appoint", "person": 10**9})
    assert "请选择本村村民" in stranger.content.decode()
    assert admin.post(page, {"what": "rotate"}).status_code == 302
    first = Board.objects.get(region=town.village_a).token
    admin.post(page, {"what": "rotate"})
    assert Board.objects.get(region=town.village_a).token != first
    assert admin.post(page, {"what": "remove", "post": post.pk}).status_code == 302
    assert not Post.objects.filter(kind=Post.Kind.SUPERVISOR).exists()
    assert not actions.may_oversee(personas.party_a1, town.village_a.path)
