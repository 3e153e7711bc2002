"""OpenAPI at /api/v1/openapi.json and interactive docs at /api/v1/docs, with no CDN."""

import re

import pytest
from django.test import Client


def test_openapi_lists_the_contract(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for path in ["/api/v1/auth/token", "/api/v1/me", "/api/v1/regions", "/api/v1/grids", "/api/v1/grids/{code}",
                 "/api/v1/grids/locate", "/api/v1/households", "/api/v1/people", "/api/v1/people/{person_id}/reveal"]:
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/grids"]["get"]["parameters"]}
    assert {"level", "parent", "page"} <= params
    assert "BearerToken" in schema["components"]["securitySchemes"]
    assert "/api/v1/docs-assets/{name}" not in schema["paths"]


def test_docs_page_loads_everything_from_this_server(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assets = re.findall(r"(?:src|href)=\"(/api/v1/docs-assets/[^\"]+)\"", html)
    assert len(assets) == 4
    for url in assets:
        asset = Client().get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content)


@pytest.mark.parametrize("name", ["../../__init__.py", "redoc.standalone.js.map", "nope.js"])
def test_only_the_docs_assets_are_served(db, name):
    assert Client().get(f"/api/v1/docs-assets/{name}").status_code == 404
