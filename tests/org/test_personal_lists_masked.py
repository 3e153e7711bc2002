"""Lists and details show ID numbers and phones masked, for every role, including those allowed to reveal."""

import pytest

FULL_VALUES = ["445321198112120113", "13800000011"]


@pytest.mark.parametrize("role", ["town_admin", "secretary_a", "worker_a1", "resident_a1"])
def test_people_list_and_detail_are_masked(personas, api_client, role):
    client = api_client(role)
    people = client.get("/api/v1/people", {"grid": personas.town.a1.code})
    detail = client.get(f"/api/v1/people/{personas.town.zhang.pk}")
    zhang = next(item for item in people.json()["items"] if item["name"] == "张建国")
    assert zhang["id_number"] == "4453**********0113"
    assert zhang["phone"] == "138****0011"
    assert detail.json()["id_number"] == "4453**********0113"
    for body in (people.content.decode(), detail.content.decode()):
        for value in FULL_VALUES:
            assert value not in body


def test_a_person_without_identifiers_shows_empty_strings(personas, api_client):
    from gridgov.org import actions

    person = actions.do_create_person(None, name="无证人", grid=personas.town.a1, gender="F")
    item = api_client("worker_a1").get(f"/api/v1/people/{person.pk}").json()
    assert (item["id_number"], item["phone"]) == ("", "")
