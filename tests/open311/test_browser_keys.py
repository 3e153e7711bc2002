"""The key page on a phone (360 px, Chinese): a town administrator issues a key, copies it, revokes it."""

import pytest

from gridgov.open311.models import ApiKey
from tests.cases.test_browser_case_loop import closing_connections, no_sideways_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@closing_connections
def test_issue_and_revoke_a_key_on_a_phone(live_server, transactional_db, personas, cfg, browser, screenshots):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "town_admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/open311/v2/keys/")
    assert page.locator("h1").inner_text() == "Open311 API 密钥"
    assert page.locator("label[for=id_name]").inner_text() == "客户端名称"
    page.fill("input[name=name]", "县12345热线")
    page.click("#issue-key button[type=submit]")
    secret = page.locator("#issued input").input_value()
    assert secret.startswith("o311_")
    no_sideways_scroll(page)
    page.screenshot(path=str(screenshots / "open311-keys-issued.png"), full_page=True)
    page.goto(f"{base}/open311/v2/keys/")
    assert secret not in page.content()
    page.click("text=吊销")
    page.wait_for_selector("text=吊销于")
    no_sideways_scroll(page)
    page.screenshot(path=str(screenshots / "open311-keys-revoked.png"), full_page=True)
    assert ApiKey.objects.get().revoked_at is not None
    page.click("text=服务的附加字段")
    page.wait_for_url(f"{base}/open311/v2/attributes/")
    page.select_option("select[name=category]", label="垃圾清运")
    page.fill("input[name=code]", "SIZE")
    page.fill("input[name=description]", "垃圾有多少？")
    page.select_option("select[name=datatype]", value="singlevaluelist")
    page.fill("textarea[name=values]", "bag=几袋\ncart=一车")
    page.click("#attribute-form button[type=submit]")
    page.wait_for_selector("text=bag=几袋")
    no_sideways_scroll(page)
    page.screenshot(path=str(screenshots / "open311-attributes.png"), full_page=True)
    context.close()
