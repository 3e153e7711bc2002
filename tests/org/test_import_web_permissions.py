"""Only town administrators reach the import pages, and each sees only their own jobs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.core import jobs
from gridgov.core.models import Job
from gridgov.org import actions
from tests.conftest import PASSWORD
from tests.org.test_import_support import village_sheets, write_workbook


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/data/import/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"])
def test_other_roles_get_403_and_cannot_upload(personas, login, tmp_path, role):
    client = login(getattr(personas, role))
    assert client.get("/data/import/").status_code == 403
    with open(write_workbook(tmp_path / "v.xlsx", **village_sheets()), "rb") as fh:
        response = client.post("/data/import/", {"file": SimpleUploadedFile("v.xlsx", fh.read())})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_jobs_of_someone_else_answer_404(personas, login, tmp_path):
    owner = login(personas.town_admin)
    with open(write_workbook(tmp_path / "v.xlsx", **village_sheets()), "rb") as fh:
        owner.post("/data/import/", {"file": SimpleUploadedFile("v.xlsx", fh.read())})
    job = Job.objects.get()
    jobs.run_pending()
    colleague = actions.do_create_user(None, "town_admin_2", "town_admin", personas.town.town.code, password=PASSWORD)
    other = login(colleague)
    assert other.get(f"/data/import/{job.pk}/").status_code == 404
    assert other.get(f"/data/import/{job.pk}/status").status_code == 404
    assert login(personas.outsider).get(f"/data/import/{job.pk}/status").status_code == 403
    assert owner.get(f"/data/import/{job.pk}/status").status_code == 200
