"""The import page: a town administrator uploads a workbook, the worker runs it (core.jobs), and the
job page follows it through /status until it shows the result or the table of problems."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.core import audit, jobs
from gridgov.core.models import AuditEntry, Job
from gridgov.org.models import Person
from tests.org.test_import_support import english, table_counts, village_sheets, write_workbook  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def login(login):
    """Logged-in clients that ask for English pages, so texts compare with their msgids."""

    def _login(user):
        client = login(user)
        client.cookies["django_language"] = "en"
        return client

    return _login


def upload(client, path, name="村表.xlsx"):
    with open(path, "rb") as fh:
        return client.post("/data/import/", {"file": SimpleUploadedFile(name, fh.read())})


def test_upload_runs_in_the_worker_and_reports_progress(personas, login, tmp_path, media):
    client = login(personas.town_admin)
    assert client.get("/data/import/").status_code == 200

    response = upload(client, write_workbook(tmp_path / "v.xlsx", **village_sheets()))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/import/{job.pk}/"
    assert (job.kind, job.state, job.created_by, job.payload["name"]) == ("org.import", "queued", personas.town_admin, "村表.xlsx")
    assert (media / job.payload["file"]).is_file()
    queued = client.get(f"/data/import/{job.pk}/status").json()
    assert queued["state"] == "queued" and queued["errors"] == []
    assert "data-status-url" in client.get(f"/data/import/{job.pk}/").content.decode()

    assert jobs.run_pending() == 1

    status = client.get(f"/data/import/{job.pk}/status").json()
    assert status["state"] == "done"
    assert status["total"] > 0 and status["progress"] == status["total"]
    assert status["summary"]["people"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert Person.objects.filter(path__startswith="445321.104.203.").count() == 4
    # The uploaded file holds personal data: it is gone once imported.
    assert not (media / job.payload["file"]).exists()
    # The worker writes the audit rows as the uploader, under the upload request's id.
    written = AuditEntry.objects.filter(request_id=job.request_id)
    assert job.request_id and sum(len(audit.covered_ids(e)) for e in written.filter(action="person.create")) == 4
    assert {e.actor_id for e in written} == {personas.town_admin.pk}
    page = client.get(f"/data/import/{job.pk}/").content.decode()
    assert "The workbook was imported." in page and "data-status-url" not in page


def test_bad_workbook_shows_the_table_of_problems(personas, login, tmp_path):
    client = login(personas.town_admin)
    sheets = village_sheets()
    sheets["people"][2]["出生日期"] = "1980-13-01"
    before = table_counts()
    upload(client, write_workbook(tmp_path / "bad.xlsx", **sheets))
    job = Job.objects.get()

    jobs.run_pending()

    status = client.get(f"/data/import/{job.pk}/status").json()
    assert status["state"] == "failed" and status["error_count"] == 1
    assert status["errors"] == [{"sheet": "人员", "row": 4, "column": "出生日期", "value": "1980-13-01",
                                 "reason": "Not a date; write it as YYYY-MM-DD."}]
    counts = table_counts()
    assert counts.pop("AuditEntry") == before.pop("AuditEntry") and counts == before
    page = client.get(f"/data/import/{job.pk}/").content.decode()
    assert 'id="import-errors"' in page and "Not a date; write it as YYYY-MM-DD." in page and "出生日期" in page


def test_a_file_that_is_not_xlsx_is_refused_at_upload(personas, login, tmp_path):
    client = login(personas.town_admin)
    response = client.post("/data/import/", {"file": SimpleUploadedFile("people.xlsx", b"name,id\n")})
    assert response.status_code == 200 and "The file is not an .xlsx workbook." in response.content.decode()
    response = client.post("/data/import/", {"file": SimpleUploadedFile("people.csv", b"PK\x03\x04")})
    assert "Choose an .xlsx workbook." in response.content.decode()
    assert not Job.objects.exists()
