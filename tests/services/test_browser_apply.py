"""A resident applies on a 360 px phone in Chinese: finds 最低生活保障申请 in the catalogue, applies, uploads
two photos (户口簿 and 身份证), submits and is told that 家庭收入证明 is missing. Screenshots go to
var/screenshots/services-*.png."""

import pytest
from django.conf import settings

from gridgov.services.models import Application, Material
from tests.cases.test_browser_case_loop import (
    closing_connections,
    no_sideways_scroll,
    phone,
)

from .conftest import photo

pytestmark = pytest.mark.browser
SCREENSHOTS = settings.VAR_DIR / "screenshots"


def shot(page, name):
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"services-{name}.png"), full_page=True)


@pytest.fixture
def catalogue(transactional_db, personas):
    from gridgov.services import actions

    from .conftest import MATERIALS

    return actions.do_save_item(None, personas.town.town, code="MZ001", name="最低生活保障申请", group="civil",
                                department="民政办", materials=MATERIALS, limit_days=3, agent_allowed=True,
                                handled_at="town")


@closing_connections
def test_a_resident_applies_with_two_photos_and_is_asked_for_a_missing_material(live_server, catalogue, browser,
                                                                                  tmp_path):
    files = []
    for name in ("hukou.jpg", "idcard.jpg"):
        path = tmp_path / name
        path.write_bytes(photo(name).read())
        files.append(path)
    context, page = phone(browser, live_server.url, "resident_a1")
    page.goto(f"{live_server.url}/services/?q=生活保障")
    page.click("text=最低生活保障申请")
    page.wait_for_selector("#apply-form")
    shot(page, "item")
    page.fill("#apply-note", "家中两口人，无固定收入")
    page.click("#apply-submit")
    page.wait_for_selector("#upload-form")
    for material, path in zip(("户口簿", "身份证"), files, strict=True):
        page.select_option("#upload-material", material)
        page.set_input_files("#upload-file", str(path))
        page.click("#upload-submit")
        page.wait_for_selector(f"#materials li:has-text('{material}') .tag.ok")
    shot(page, "two-photos")
    page.click("#submit-app")
    page.wait_for_selector("#still-missing")
    assert "家庭收入证明" in page.inner_text("#still-missing")
    assert "家庭收入证明" in page.inner_text(".messages, [role=alert], body")
    shot(page, "missing")
    app = Application.objects.get()
    assert app.state == "draft" and app.note == "家中两口人，无固定收入"
    assert sorted(Material.objects.values_list("name", flat=True)) == ["户口簿", "身份证"]
    context.close()
