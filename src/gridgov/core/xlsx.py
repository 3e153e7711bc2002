"""Cells of every .xlsx export that cannot run: text is written as text (formula injection, CSV/DDE).

openpyxl writes a string beginning with "=" as a formula, and a spreadsheet program re-reads text
beginning with "+", "-", "@", a tab or a carriage return as a formula as soon as someone edits the
cell. A description, a name or a reason typed by anyone (a resident's report, a product, a village)
would then run in the office that opens the ledger. safe_row() writes such text as a string cell
(data type "s") with Excel's quote prefix set in its style: the cell shows exactly the text, no
apostrophe, and stays text when edited. Numbers, dates and other text pass unchanged.

Every export appends its rows through safe_row (or wraps single cells with safe_cell); a new export
does the same.
"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _risky(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _as_text(cell: Cell) -> Cell:
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_cell(ws, value):
    """What to put in a row of `ws` for `value`: a text cell for text a spreadsheet would take for a
    formula, else the value itself (or the cell given, made text if its text is risky)."""
    if isinstance(value, Cell):
        return _as_text(value) if _risky(value.value) else value
    if _risky(value):
        return _as_text(WriteOnlyCell(ws, value=value))
    return value


def safe_row(ws, values) -> list:
    return [safe_cell(ws, value) for value in values]


def append(ws, values) -> None:
    """ws.append(values) with every risky text written as text (normal and write-only sheets)."""
    ws.append(safe_row(ws, values))
