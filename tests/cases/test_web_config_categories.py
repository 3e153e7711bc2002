"""Creating and editing categories on the configuration page: saved through the actions and audited,
and a form with errors shows them by field and saves nothing."""

from gridgov.cases.models import Category
from gridgov.core.models import AuditEntry


def _limits(prefix="", **over):
    data = {"handling_level": "village", "limit_unit": "d", "accept_limit": 1, "dispatch_limit": 2,
            "handle_limit": 5, "verify_limit": 1, "is_active": "on", **over}
    return {f"{prefix}{key}": value for key, value in data.items()}


def test_creating_a_subcategory_saves_it_with_its_limits_and_audits_it(personas, cfg, login):
    client = login(personas.town_admin)
    response = client.post("/cases/config/categories/new/", {
        "code": "0102", "parent": cfg.env.pk, "name": "污水横流", "default_unit": cfg.village_a_committee.pk,
        **_limits()})
    assert response.status_code == 302
    category = Category.objects.get(code="0102")
    assert (category.parent, category.level, category.handling_level, category.limit_unit) == (cfg.env, 2, "village",
                                                                                               "d")
    assert (category.accept_limit, category.dispatch_limit, category.handle_limit, category.verify_limit) == (1, 2, 5, 1)
    assert category.default_unit == cfg.village_a_committee
    assert AuditEntry.objects.filter(action="case_category.create", object_id=str(category.pk),
                                     actor=personas.town_admin).exists()
    assert "污水横流" in client.get("/cases/config/").content.decode()


def test_a_main_category_can_be_created_inactive(personas, cfg, login):
    response = login(personas.town_admin).post("/cases/config/categories/new/",
                                               {"code": "07", "name": "公共服务", **_limits(is_active="")})
    assert response.status_code == 302
    category = Category.objects.get(code="07")
    assert category.level == 1 and category.parent is None and not category.is_active


def test_errors_are_shown_by_field_and_nothing_is_saved(personas, cfg, login):
    client = login(personas.town_admin)
    before = Category.objects.count()
    response = client.post("/cases/config/categories/new/", {
        "code": "0501", "parent": cfg.env.pk, "name": "", **_limits(handle_limit=0)})
    assert response.status_code == 400
    form = response.context["category_form"]
    assert set(form.errors) >= {"code", "name", "handle_limit"}
    assert "has-error" in response.content.decode()
    response = client.post("/cases/config/categories/new/", {"code": "0101", "parent": cfg.env.pk, "name": "重复",
                                                              **_limits()})
    assert response.status_code == 400 and "code" in response.context["category_form"].errors
    assert Category.objects.count() == before
    assert not AuditEntry.objects.filter(action="case_category.create", actor=personas.town_admin).exists()


def test_editing_changes_limits_level_and_active_flag_and_audits_the_difference(personas, cfg, login):
    client = login(personas.town_admin)
    page = client.get("/cases/config/categories/0101/")
    assert page.status_code == 200 and page.context["edit_form"].initial["handle_limit"] == 8
    response = client.post("/cases/config/categories/0101/", _limits(
        "edit-", name="垃圾清运与转运", handling_level="town", limit_unit="h", handle_limit=12, is_active="",
        default_unit=cfg.town_office.pk))
    assert response.status_code == 302
    category = Category.objects.get(code="0101")
    assert (category.name, category.handling_level, category.handle_limit, category.is_active,
            category.default_unit) == ("垃圾清运与转运", "town", 12, False, cfg.town_office)
    entry = AuditEntry.objects.get(action="case_category.update", object_id=str(category.pk))
    assert entry.actor == personas.town_admin
    assert "handle_limit" in str(entry.after) and "handle_limit" in str(entry.before)


def test_an_invalid_edit_changes_nothing(personas, cfg, login):
    response = login(personas.town_admin).post("/cases/config/categories/0101/", _limits(
        "edit-", name="新名字", accept_limit=-3, limit_unit="weeks"))
    assert response.status_code == 400
    assert set(response.context["edit_form"].errors) == {"accept_limit", "limit_unit"}
    category = Category.objects.get(code="0101")
    assert (category.name, category.accept_limit, category.limit_unit) == ("垃圾清运", 2, "h")

