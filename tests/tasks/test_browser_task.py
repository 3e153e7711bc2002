"""A village secretary completes a task with a photo on a 360 px phone (zh-CN): the task from the town is
in 本村任务, they sign for it, take a photo and complete it; the photo shows in the history and the town
is told. Screenshots go to var/screenshots/tasks-*.png."""

import io

import pytest
from django.conf import settings

from gridgov.cases.models import Notification
from gridgov.tasks import actions
from gridgov.tasks.models import Assignment
from tests.cases.test_browser_case_loop import (
    closing_connections,
    no_sideways_scroll,
    phone,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.VAR_DIR / "screenshots"


def shot(page, name):
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tasks-{name}.png"), full_page=True)


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 140, 90)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def task(transactional_db, personas):
    return actions.do_issue(personas.town_admin, "清理村道两侧垃圾", "春季环境整治，拍照上传", days=3,
                            villages=[personas.town.village_a.code], evidence_required=True)


@closing_connections
def test_a_village_completes_a_task_with_a_photo(live_server, task, personas, browser):
    context, page = phone(browser, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/tasks/")
    page.wait_for_selector("#tasks-open >> text=清理村道两侧垃圾")
    shot(page, "mine")
    page.click("#tasks-open >> text=清理村道两侧垃圾")
    page.click("#sign-task")
    page.wait_for_selector("#assignment-state >> text=已签收")
    page.fill("#complete-note", "已全部清理")
    page.set_input_files("#complete-files", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg",
                                                    "buffer": _photo()}])
    shot(page, "complete")
    page.click("#complete-task")
    page.wait_for_selector("#assignment-state >> text=已办结")
    page.wait_for_function("() => { const i = document.querySelector('img.evidence'); "
                           "return i && i.complete && i.naturalWidth > 0; }")
    shot(page, "completed")
    a = Assignment.objects.get(task=task)
    assert a.state == "completed" and a.files.get().content_type == "image/jpeg"
    assert Notification.objects.filter(kind="task_completed", user=personas.town_admin).exists()
    context.close()
