"""The configuration pages are the town administrator's: every other role is refused, reading and writing."""

import pytest

from gridgov.cases.models import Category, Holiday

OTHERS = ["secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"]


def test_the_town_admin_sees_the_configuration_and_the_menu_link(personas, cfg, login):
    response = login(personas.town_admin).get("/cases/config/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "垃圾清运" in page and "综治中心" in page and "08:30-12:00,14:00-17:30" in page
    assert 'href="/cases/config/"' in page


@pytest.mark.parametrize("persona", OTHERS)
def test_other_roles_are_refused_the_page_and_every_write(personas, cfg, login, persona):
    client = login(getattr(personas, persona))
    assert client.get("/cases/config/").status_code == 403
    assert 'href="/cases/config/"' not in client.get("/").content.decode()
    posts = {
        "/cases/config/categories/new/": {"code": "09", "name": "其他", "handling_level": "grid", "limit_unit": "h",
                                          "accept_limit": 1, "dispatch_limit": 1, "handle_limit": 1,
                                          "verify_limit": 1},
        "/cases/config/categories/0101/": {"edit-name": "改名", "edit-handling_level": "grid", "edit-limit_unit": "h",
                                           "edit-accept_limit": 1, "edit-dispatch_limit": 1,
                                           "edit-handle_limit": 1, "edit-verify_limit": 1},
        "/cases/config/calendar/": {"date": "2026-03-03", "is_workday": "0"},
        f"/cases/config/units/{cfg.sifasuo.code}/members/": {f"u{cfg.sifasuo.pk}-members": [personas.worker_a1.pk]},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert not Category.objects.filter(code="09").exists()
    assert Category.objects.get(code="0101").name == "垃圾清运"
    assert not Holiday.objects.exists()
    assert not cfg.sifasuo.members.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get("/cases/config/")
    assert response.status_code == 302 and "login" in response["Location"]
