"""Downloads under /data/: exports scoped and masked for the user, the full version only for roles
that may see personal data, and the template."""

import io

import pytest
from openpyxl import load_workbook

from gridgov.core.models import AuditEntry


def workbook(response) -> dict[str, list[list]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_secretary_downloads_the_village_masked(personas, login):
    book = workbook(login(personas.secretary_a).get("/data/export/people.xlsx"))
    rows = book["人员"][1:]
    assert sorted(r[0] for r in rows) == ["张建国", "李秀英", "王志强", "陈丽华"]
    assert all(r[3].startswith("4453**********") and r[4].startswith("138****") for r in rows)
    assert AuditEntry.objects.get(action="org.export").after["masked"] is True


def test_secretary_may_download_full_and_it_is_audited(personas, login):
    book = workbook(login(personas.secretary_a).get("/data/export/people.xlsx?full=1"))
    assert personas.town.zhang.id_number in {r[3] for r in book["人员"]}
    entry = AuditEntry.objects.get(action="org.export")
    assert (entry.actor, entry.after["masked"], entry.after["rows"]) == (personas.secretary_a, False, {"people": 4})


def test_outsider_cannot_export_village_a(personas, login):
    book = workbook(login(personas.outsider).get("/data/export/all.xlsx?full=1"))
    assert [r[0] for r in book["人员"][1:]] == ["刘德明"]
    assert all(not str(r[0]).startswith("H445321104201") for r in book["户"][1:])
    assert "445321104201" not in repr(book)


@pytest.mark.parametrize("role", ["resident_a1", "party_a1", "department"])
def test_roles_without_export_get_403(personas, login, role):
    client = login(getattr(personas, role))
    assert client.get("/data/export/people.xlsx").status_code == 403
    assert client.get("/data/export/all.xlsx").status_code == 403
    assert not AuditEntry.objects.filter(action="org.export").exists()


def test_unknown_kind_is_404_and_anonymous_goes_to_login(personas, login, client):
    assert login(personas.town_admin).get("/data/export/cases.xlsx").status_code == 404
    assert client.get("/data/export/people.xlsx").status_code == 302


def test_template_download(personas, login):
    book = workbook(login(personas.resident_a1).get("/data/template.xlsx"))
    assert list(book) == ["行政区划", "网格", "党组织", "户", "人员", "说明"]


def test_data_page_offers_what_the_role_may_do(personas, login):
    admin_page = login(personas.town_admin).get("/data/").content.decode()
    assert "/data/import/" in admin_page and "/data/export/regions.xlsx?full=1" in admin_page
    worker_page = login(personas.worker_a1).get("/data/").content.decode()
    assert "/data/import/" not in worker_page and "/data/export/regions.xlsx" not in worker_page
    assert "/data/export/people.xlsx?full=1" in worker_page
    resident_page = login(personas.resident_a1).get("/data/").content.decode()
    assert "/data/export/" not in resident_page and "/data/template.xlsx" in resident_page
