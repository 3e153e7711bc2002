"""Issue 17, finding 7: a `next` that leaves the site is ignored (no open redirect); a local one is kept."""

from gridgov.points import actions


def test_claim_approval_does_not_redirect_off_site(personas, rules, login):
    claim = actions.do_file_claim(personas.resident_a1, personas.town.zhang, rules.volunteer, "参加村道清扫")
    client = login(personas.worker_a1)
    for evil in ("https://evil.example/", "//evil.example", "\\\\evil.example", "https:evil.example",
                 " https://evil.example", "javascript:alert(1)"):
        response = client.post(f"/points/claims/{claim.pk}/approve/", {"next": evil})
        assert response.status_code == 302 and response["Location"] == "/points/claims/", evil
    claim.refresh_from_db()
    assert claim.state == "reviewed"  # the action itself went through once
    response = login(personas.secretary_a).post(f"/points/claims/{claim.pk}/approve/",
                                                {"next": "/points/claims/?state=open"})
    assert response["Location"] == "/points/claims/?state=open"


def test_login_ignores_an_off_site_next(personas, client):
    from tests.conftest import PASSWORD

    response = client.post("/login/?next=https://evil.example/", {"username": "town_admin", "password": PASSWORD})
    assert response.status_code == 302 and not response["Location"].startswith(("http", "//"))
