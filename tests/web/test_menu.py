def test_menu_offers_the_audit_log_only_to_town_admins(personas, login):
    assert b'href="/audit/"' in login(personas.town_admin).get("/").content
    assert b'href="/audit/"' not in login(personas.secretary_a).get("/").content


def test_menu_links_to_import_and_export_only_when_those_pages_exist_and_are_allowed(personas, login):
    from django.urls import NoReverseMatch, reverse

    try:
        import_url = reverse("org:import")
    except NoReverseMatch:
        import_url = None
    admin_page = login(personas.town_admin).get("/").content.decode()
    worker_page = login(personas.worker_a1).get("/").content.decode()
    if import_url:
        assert f'href="{import_url}"' in admin_page
        assert f'href="{import_url}"' not in worker_page
    else:
        assert ">Import<" not in admin_page


def test_url_if_exists_gives_blank_for_routes_not_installed():
    from gridgov.web.templatetags.gridgov_web import url_if_exists

    assert url_if_exists("web:grid", code="445321104201001") == "/grids/445321104201001/"
    assert url_if_exists("nowhere:page") == ""
