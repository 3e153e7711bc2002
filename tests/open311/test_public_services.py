"""Which requests keyless GET lists is the town's choice, stored per town and service (issue 17,
finding 9): a category is private until the town publishes it, the sensitive families (disputes,
welfare, public order) are left out of the defaults, GRIDGOV_OPEN311_PRIVATE_CATEGORIES still keeps
a category private whatever a town chose, and the client that sent a request follows it with its key."""

import pytest

from gridgov.cases import actions as case_actions
from gridgov.core.models import AuditEntry
from gridgov.open311 import actions, queries
from gridgov.open311.models import PublicService

from .conftest import POINT_A1

pytestmark = pytest.mark.django_db


def numbers(o311, **params) -> list[str]:
    response, body = o311.get("requests", **params)
    assert response.status_code == 200, body
    return sorted(item["service_request_id"] for item in body)


def test_sensitive_families_are_private_by_default(o311, key, report, personas, cfg):
    garbage = report()
    dispute = report(category=cfg.neighbours)
    assert queries.is_sensitive(cfg.neighbours) and not queries.is_sensitive(cfg.garbage)
    assert numbers(o311) == [garbage.number]
    assert o311.get(f"requests/{dispute.number}")[0].status_code == 404
    # A category added later is private until the town publishes it.
    fresh = case_actions.do_create_category(None, "0102", "污水排放", parent=cfg.env)
    later = report(category=fresh)
    assert later.number not in numbers(o311)
    actions.do_set_public_services(personas.town_admin, personas.town.town, [cfg.garbage, fresh])
    assert numbers(o311) == sorted([garbage.number, later.number])


@pytest.mark.parametrize("name, parent", [("低保申请", "民生服务"), ("治安问题", "社会治安"), ("家庭纠纷", "矛盾纠纷"),
                                          ("救助咨询", "其他")])
def test_the_sensitive_families_by_name(name, parent):
    assert queries.sensitive_name(name, parent)


def test_everyday_services_are_not_sensitive():
    assert not any(queries.sensitive_name(n, p) for n, p in [("垃圾清运", "环境卫生"), ("路灯损坏", "道路交通"),
                                                              ("停水", "水电气")])


def test_the_town_admin_chooses_on_the_page_and_it_is_audited(o311, login, personas, cfg, report):
    dispute = report(category=cfg.neighbours)
    client = login(personas.town_admin)
    page = client.get("/open311/v2/attributes/")
    assert page.status_code == 200 and 'id="public-services"' in page.content.decode()
    response = client.post("/open311/v2/attributes/public/", {"town": personas.town.town.code,
                                                            "published": [cfg.neighbours.pk]})
    assert response.status_code == 302
    assert numbers(o311) == [dispute.number]  # garbage withdrawn, disputes published
    entry = AuditEntry.objects.filter(action="open311.public_services").latest("id")
    assert entry.after == {"published": ["0401"], "withdrawn": ["0101"]}


def test_nobody_else_chooses_for_the_town(login, personas, cfg, second_town):
    before = set(PublicService.objects.values_list("town_id", "category_id"))
    for user in (personas.secretary_a, personas.worker_a1, personas.resident_a1):
        response = login(user).post("/open311/v2/attributes/public/", {"town": personas.town.town.code,
                                                                     "published": [cfg.neighbours.pk]})
        assert response.status_code == 403
    # Another town's administrator: the town is not theirs to choose for.
    response = login(second_town.admin).post("/open311/v2/attributes/public/", {"town": personas.town.town.code,
                                                                              "published": [cfg.neighbours.pk]})
    assert response.status_code == 404
    assert set(PublicService.objects.values_list("town_id", "category_id")) == before


def test_the_setting_keeps_a_category_private_whatever_the_town_chose(o311, settings, personas, cfg, report):
    garbage = report()
    actions.do_set_public_services(None, personas.town.town, [cfg.garbage, cfg.neighbours])
    settings.GRIDGOV_OPEN311_PRIVATE_CATEGORIES = "01"
    assert garbage.number not in numbers(o311)


def test_the_client_that_sent_a_private_request_follows_it_with_its_key(o311, key, personas, cfg):
    response, body = o311.post(api_key=key[1], service_code="0401", lat=POINT_A1[0], long=POINT_A1[1],
                               description="邻居噪音")
    number = body[0]["service_request_id"]
    assert number not in numbers(o311)
    assert numbers(o311, api_key=key[1]) == [number]
    assert o311.get(f"requests/{number}", api_key=key[1])[0].status_code == 200
    _other, other_secret = actions.do_issue_key(personas.town_admin, "另一个客户端", personas.town.town)
    assert o311.get(f"requests/{number}", api_key=other_secret)[0].status_code == 404


def test_an_upgraded_installation_keeps_its_everyday_services_public(personas, cfg, second_town):
    from importlib import import_module

    from django.apps import apps

    PublicService.objects.all().delete()
    migration = import_module("gridgov.open311.migrations.0003_public_services_and_address_windows")
    migration.publish_what_was_public(apps, None)
    assert sorted(PublicService.objects.values_list("town__code", "category__code")) == [
        (personas.town.town.code, "0101"), (second_town.town.code, "0101")]
