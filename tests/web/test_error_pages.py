from django.test import Client


def test_not_found_page_uses_the_layout(personas, login):
    response = login(personas.outsider).get(f"/grids/{personas.town.a1.code}/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in page and 'href="/"' in page


def test_not_allowed_page_uses_the_layout(personas, login):
    response = login(personas.worker_a1).get("/audit/")
    assert response.status_code == 403 and b'class="topbar"' in response.content


def test_not_found_page_for_anonymous_visitors_has_no_menu(db):
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert b'class="topbar"' in response.content and b'id="menu"' not in response.content
