from gridgov.core.models import AuditEntry


def _reveals():
    return AuditEntry.objects.filter(action__startswith="person.reveal_")


def test_worker_sees_the_full_id_number_through_htmx_and_it_is_audited(personas, login):
    town = personas.town
    response = login(personas.worker_a1).post(f"/people/{town.zhang.pk}/reveal/id_number/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert town.zhang.id_number in page and "<html" not in page
    assert "no-store" in response["Cache-Control"]
    entry = _reveals().get()
    assert (entry.action, entry.actor_name, entry.object_id) == ("person.reveal_id_number", "worker_a1",
                                                                  str(town.zhang.pk))
    assert town.zhang.id_number not in str(entry.before) + str(entry.after)


def test_without_javascript_the_person_page_comes_back_with_the_phone(personas, login):
    town = personas.town
    response = login(personas.secretary_a).post(f"/people/{town.chen.pk}/reveal/phone/")
    assert response.status_code == 200
    page = response.content.decode()
    assert town.chen.phone in page and "<html" in page
    assert _reveals().get().action == "person.reveal_phone"


def test_resident_may_not_reveal_and_nothing_is_audited(personas, login):
    town = personas.town
    response = login(personas.resident_a1).post(f"/people/{town.zhang_wife.pk}/reveal/phone/")
    assert response.status_code == 403
    assert town.zhang_wife.phone not in response.content.decode()
    assert not _reveals().exists()


def test_outsider_gets_404_for_a_person_of_village_a(personas, login):
    response = login(personas.outsider).post(f"/people/{personas.town.zhang.pk}/reveal/id_number/")
    assert response.status_code == 404
    assert not _reveals().exists()


def test_reveal_needs_a_post(personas, login):
    assert login(personas.worker_a1).get(f"/people/{personas.town.zhang.pk}/reveal/phone/").status_code == 405


def test_only_id_number_and_phone_can_be_revealed(personas, login):
    response = login(personas.worker_a1).post(f"/people/{personas.town.zhang.pk}/reveal/name/")
    assert response.status_code == 404
    assert not _reveals().exists()
