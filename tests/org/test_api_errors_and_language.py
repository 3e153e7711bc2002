"""Errors have one shape, {"detail"} plus field-level "errors" for invalid input, in the request's language."""

from django.test import Client


def test_invalid_input_lists_each_field_with_a_message_and_type(personas, api_client):
    response = api_client("town_admin").get("/api/v1/grids/locate", HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert response.status_code == 422
    assert body["detail"] == "Invalid input."
    assert {(e["field"], e["message"], e["type"]) for e in body["errors"]} == {
        ("lat", "This field is required.", "missing"), ("lng", "This field is required.", "missing")}


def test_chinese_is_the_default_language(personas, api_client):
    response = api_client("town_admin").get("/api/v1/grids?level=9")
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["errors"][0]["message"] == "确保该值小于或等于3。"


def test_english_on_request(personas, api_client):
    response = api_client("town_admin").get("/api/v1/grids?level=9", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


def test_a_body_that_is_not_json_is_400(db):
    response = Client().post("/api/v1/auth/token", "username=x", content_type="application/json",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


def test_a_form_body_sent_to_a_json_operation_is_400_and_writes_nothing(personas, api_client):
    """The guards read a multipart form before the operation; reading its raw bytes after that was a 500."""
    from gridgov.links.models import Link

    client = api_client("town_admin")
    town = personas.town
    response = client.post("/api/v1/links", {"member": town.wang.pk, "household": town.house_a1.pk},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"detail": "Send this request's body as JSON (Content-Type: application/json)."}
    assert not Link.objects.exists()
    assert client.post("/api/v1/links", {"member": town.wang.pk, "household": town.house_a1.pk},
                       content_type="application/json").status_code == 201


def test_not_found_has_a_detail(personas, api_client):
    response = api_client("town_admin").get("/api/v1/people/0", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_an_unknown_api_path_is_404(personas, api_client):
    assert api_client("town_admin").get("/api/v1/nothing-here").status_code == 404
