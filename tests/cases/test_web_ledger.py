"""The ledger (台账) download of the statistics page: the scope and period shown, masked phones, staff only."""

import io

import pytest
from openpyxl import load_workbook

from gridgov.core.models import AuditEntry

from .conftest import POINT_B1

pytestmark = pytest.mark.usefixtures("english")


def rows_of(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book["案件台账"].iter_rows(values_only=True)]


def test_village_ledger_has_its_cases_only(personas, report, login):
    mine = report(reporter_phone="13900001111")
    other = report(actor=personas.outsider, point=POINT_B1)
    client = login(personas.secretary_a)
    assert "/cases/ledger.xlsx?" in client.get("/cases/stats/?since=2026-03-01&until=2026-03-31").content.decode()
    response = client.get("/cases/ledger.xlsx?since=2026-03-01&until=2026-03-31")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [mine.number] and other.number not in numbers
    assert "13900001111" not in str(rows)
    assert AuditEntry.objects.filter(action="case.ledger_export", actor=personas.secretary_a).count() == 1


def test_ledger_follows_the_period_and_the_scope(personas, report, login):
    report()
    report(actor=personas.outsider, point=POINT_B1)
    client = login(personas.town_admin)
    assert len(rows_of(client.get("/cases/ledger.xlsx?since=2026-03-01&until=2026-03-31"))) == 3
    assert len(rows_of(client.get("/cases/ledger.xlsx?since=2026-04-01&until=2026-04-30"))) == 1
    scoped = client.get(f"/cases/ledger.xlsx?scope={personas.town.village_b.code}&since=2026-03-01&until=2026-03-31")
    assert len(rows_of(scoped)) == 2


def test_ledger_is_refused_outside_scope_and_to_residents(personas, report, login):
    report()
    assert login(personas.outsider).get(
        f"/cases/ledger.xlsx?scope={personas.town.village_a.code}").status_code == 404
    assert login(personas.resident_a1).get("/cases/ledger.xlsx").status_code == 403
