def test_menu_offers_the_audit_log_only_to_town_admins(personas, login):
    assert b'href="/audit/"' in login(personas.town_admin).get("/").content
    assert b'href="/audit/"' not in login(personas.secretary_a).get("/").content


def test_menu_links_to_import_only_for_importers_and_to_the_data_page_for_exporters(personas, login):
    admin_page = login(personas.town_admin).get("/").content.decode()
    worker_page = login(personas.worker_a1).get("/").content.decode()
    resident_page = login(personas.resident_a1).get("/").content.decode()
    assert 'href="/data/import/"' in admin_page
    assert 'href="/data/import/"' not in worker_page
    assert 'href="/data/"' in admin_page and 'href="/data/"' in worker_page
    assert 'href="/data/"' not in resident_page
