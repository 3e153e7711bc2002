"""四议两公开 and the 三务公开 board in Chromium on a 360x740 phone: the village secretary opens a matter and takes
it through all six steps on its page (the villager representatives' meeting first entered without its two
thirds, refused with the figures and the input kept, then entered again), creates the board's public link;
a resident opens the link signed in and asks about the decision; the board, answered, is read without
login. Screenshots go to var/screenshots/affairs-*.png for a person to look at (Chinese glyphs, layout)."""

import pytest

from gridgov.affairs import actions
from gridgov.affairs.models import Board, Disclosure, Matter, Question, State
from tests.cases.test_browser_case_loop import (
    SCREENSHOTS,
    closing_connections,
    no_sideways_scroll,
    phone,
)

pytestmark = pytest.mark.browser


def shot(page, name):
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"affairs-{name}.png"), full_page=True)


def meeting(page, expected, present, votes_for, against="0", abstain="0", minutes=""):
    page.fill("#step-expected", expected)
    page.fill("#step-present", present)
    page.fill("#step-for", votes_for)
    page.fill("#step-against", against)
    page.fill("#step-abstain", abstain)
    if minutes:
        page.fill("#step-minutes", minutes)


def save_step(page, step_after):
    with page.expect_navigation(wait_until="load"):
        page.click("#save-step")
    page.wait_for_selector(f"#step-{step_after}.done")


@pytest.fixture
def village(transactional_db, personas):
    return personas


@closing_connections
def test_a_matter_through_six_steps_and_a_question_on_the_board(live_server, village, browser):
    personas = village
    base = live_server.url
    context, page = phone(browser, base, "secretary_a")
    page.goto(f"{base}/affairs/")
    with page.expect_navigation(wait_until="load"):
        page.click("#open-matter")
    page.fill("#matter-title", "硬化碧塘村主干道")
    page.select_option("#matter-kind", "project")
    page.fill("#matter-amount", "120000")
    page.fill("#matter-description", "硬化村道800米，宽4米")
    with page.expect_navigation(wait_until="load"):
        page.click("#save-matter")
    page.wait_for_selector("#step-form")
    assert "党支部会议提议" in page.inner_text("#step-propose")
    meeting(page, "5", "5", "5", minutes="支委会一致同意提议")
    save_step(page, "propose")
    meeting(page, "9", "8", "8")
    save_step(page, "discuss")
    meeting(page, "32", "28", "26", "1", "1")
    save_step(page, "review")
    # 19 of 30 representatives is short of two thirds (20): refused by the field, nothing typed is lost.
    page.select_option("#step-assembly", "representatives")
    meeting(page, "30", "19", "18", "1", "0", minutes="村民代表会议表决")
    with page.expect_navigation(wait_until="load"):
        page.click("#save-step")
    error = page.inner_text("#error-present")
    assert "19" in error and "30" in error and "20" in error, error
    assert page.input_value("#step-present") == "19" and page.input_value("#step-minutes") == "村民代表会议表决"
    shot(page, "refused")
    assert Matter.objects.get().state == State.REVIEWED
    page.fill("#step-present", "21")
    save_step(page, "decide")
    page.fill("#step-body", "经村民代表会议决议：硬化村主干道800米，预算12万元。")
    save_step(page, "publish_decision")
    page.fill("#step-body", "主干道已完工，经验收合格，实际支出11.8万元。")
    save_step(page, "publish_result")
    assert Matter.objects.get().state == State.DONE
    assert "赞成 18 票" in page.inner_text("#step-decide")
    shot(page, "matter")
    page.goto(f"{base}/affairs/board/")
    with page.expect_navigation(wait_until="load"):
        page.click("#rotate-link")
    link = base + page.get_attribute("#public-link", "href")
    assert link == page.inner_text("#public-link") == f"{base}/affairs/b/{Board.objects.get().token}/"
    shot(page, "board-manage")
    context.close()

    # A resident of the village, signed in, asks about the decision under it on the board.
    context, page = phone(browser, base, "resident_a1")
    page.goto(link)
    decision = Disclosure.objects.get(matter_step__step="publish_decision")
    page.fill(f"#ask-{decision.pk}", "施工期间村道怎么通行？")
    with page.expect_navigation(wait_until="load"):
        page.click(f"#ask-send-{decision.pk}")
    assert "问题已提交" in page.inner_text("body")
    question = Question.objects.get()
    assert question.asker_id == personas.town.zhang.pk and question.disclosure_id == decision.pk
    context.close()
    actions.do_answer(personas.secretary_a, question, "施工期间请绕行村东便道。")

    # Anyone with the link reads it, answered, without the asker's name.
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(link)
    text = page.inner_text("body")
    assert "施工期间请绕行村东便道" in text and "张建国" not in text and "村务公开" in text
    shot(page, "public-board")
    context.close()
