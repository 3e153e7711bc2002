"""Separation of duties (issue 17): the auditor reads and exports the audit log of its scope and changes nothing."""

import io

import pytest
from openpyxl import load_workbook

from gridgov.core import audit, scoping
from gridgov.core.models import AuditEntry
from gridgov.org import actions
from gridgov.org.models import Household, Person

from ..conftest import PASSWORD


@pytest.fixture
def auditors(personas):
    town = personas.town
    personas.auditor = actions.do_create_user(None, "auditor", "auditor", town.town.code, password=PASSWORD)
    personas.auditor_b = actions.do_create_user(None, "auditor_b", "auditor", town.village_b.code, password=PASSWORD)
    return personas


def test_policy_gives_an_auditor_only_the_audit_log(auditors):
    """Every app's policy.py is in POLICY by now: the auditor has the audit kind, to view and export, only."""
    granted = {(kind, action) for kind, (_reach, acts) in scoping.POLICY[scoping.AUDITOR].items() for action in acts}
    assert granted == {("audit", scoping.VIEW), ("audit", scoping.EXPORT)}
    for model in (Person, Household):
        for action in (scoping.VIEW, scoping.CHANGE, scoping.EXPORT):
            assert not scoping.restrict(auditors.auditor, action, model).exists()


def test_the_audit_page_and_export_of_its_scope(auditors, login, django_assert_max_num_queries):
    town = auditors.town
    evil = actions.do_create_household(auditors.town_admin, "=HYPERLINK(\"x\")", town.a1, "=1+1")
    b_row = audit.record("household.update", town.house_b1, None, {"address": "b"})
    client = login(auditors.auditor)
    with django_assert_max_num_queries(12):
        page = client.get("/audit/")
    assert page.status_code == 200 and "audit/export.xlsx" in page.content.decode()
    assert client.get("/").status_code == 302  # home is the log
    response = client.get("/audit/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=False))
    cells = [c for row in rows[1:] for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert not [c for c in cells if c.data_type == "f"]  # formula-looking text stays text
    assert any(str(evil.pk) == str(row[6].value) for row in rows[1:])
    assert AuditEntry.objects.filter(action="audit.export", actor=auditors.auditor).count() == 1
    # The auditor of village B sees B's rows, not A's; an outsider secretary no log at all.
    only_b = {e.pk for e in scoping.restrict(auditors.auditor_b, scoping.VIEW, AuditEntry)}
    assert b_row.pk in only_b and not AuditEntry.objects.filter(pk__in=only_b, path__startswith=town.a1.path).exists()
    assert login(auditors.outsider).get("/audit/").status_code == 403
    assert login(auditors.outsider).get("/audit/export.xlsx").status_code == 403


def test_every_write_is_refused(auditors, login, api_client):
    town = auditors.town
    client = login(auditors.auditor)
    before = AuditEntry.objects.count()
    for path in ("/cases/report/", f"/people/{town.zhang.pk}/reveal/id_number/", "/org/import/",
                 "/points/claims/new/"):
        assert client.post(path, {"description": "x"}).status_code == 403, path
    api = api_client("auditor")
    refused = api.post("/api/v1/cases", {"description": "x"}, content_type="application/json")
    assert refused.status_code == 403 and set(refused.json()) == {"detail"}
    assert api.get("/api/v1/auth/tokens").status_code == 200  # its own account keeps working
    assert AuditEntry.objects.count() == before + 1  # only its token issue
    assert client.post("/logout/").status_code == 302


def test_the_system_administrator_cannot_edit_the_log(auditors):
    entry = AuditEntry.objects.first()
    entry.actor_name = "someone else"
    with pytest.raises(Exception, match="cannot be changed"):
        entry.save()
