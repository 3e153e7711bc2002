def test_map_page_loads_leaflet_from_our_static_files_and_no_tiles(personas, login):
    page = login(personas.town_admin).get("/map/").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/vendor/leaflet/leaflet.css" in page
    assert "/api/v1/grids/geojson?level=3" in page
    assert "tile" not in page.lower() and "https://" not in page


def test_map_page_can_centre_on_a_grid_in_scope_only(personas, login):
    town = personas.town
    assert f"parent={town.grid_a.code}" in login(personas.secretary_a).get(
        "/map/", {"parent": town.grid_a.code}).content.decode()
    assert login(personas.outsider).get("/map/", {"parent": town.grid_a.code}).status_code == 404


def test_geojson_holds_the_grids_in_scope_with_their_village(personas, login):
    town = personas.town
    data = login(personas.town_admin).get("/api/v1/grids/geojson", {"level": 3}).json()
    assert data["type"] == "FeatureCollection"
    assert [(f["properties"]["code"], f["properties"]["village_name"]) for f in data["features"]] == [
        (town.a1.code, "碧塘村"), (town.a2.code, "碧塘村"), (town.b1.code, "都斛村"), (town.b2.code, "都斛村")]
    assert data["features"][0]["geometry"]["type"] == "Polygon"


def test_geojson_for_the_outsider_holds_nothing_of_village_a(personas, login):
    town = personas.town
    client = login(personas.outsider)
    codes = [f["properties"]["code"] for f in client.get("/api/v1/grids/geojson").json()["features"]]
    assert codes == [town.b1.code, town.b2.code]
    assert client.get("/api/v1/grids/geojson", {"parent": town.grid_a.code}).status_code == 404


def test_geojson_under_a_parent_grid(personas, login):
    town = personas.town
    data = login(personas.town_admin).get("/api/v1/grids/geojson", {"parent": town.grid_b.code}).json()
    assert [f["properties"]["code"] for f in data["features"]] == [town.b1.code, town.b2.code]


def test_geojson_needs_a_login(personas, client):
    assert client.get("/api/v1/grids/geojson").status_code == 401


def test_leaflet_and_htmx_are_served_locally(personas, client):
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
