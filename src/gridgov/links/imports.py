"""A village's links from an Excel sheet: all or nothing, row errors like the registry import
(gridgov.org.imports: RowError, ImportFailed, and its cell readers).

Sheet 联户 (else the first sheet), header row then one row a link:
    户号 (household number, required) | 党员身份证号 (the member's ID number, required) | 开始日期 (optional, YYYY-MM-DD)
"""

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gridgov.core import audit, personal
from gridgov.org.imports import ImportFailed, RowError, _date, _text
from gridgov.org.models import Household, Person

from . import queries
from .actions import is_member, may_manage
from .models import Link

SHEET = "联户"
HEADERS = ("户号", "党员身份证号", "开始日期")


def template_workbook():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(HEADERS))
    return wb


def import_links(actor, village, fileobj) -> int:
    """Check every row, then write them all in one transaction; ImportFailed (nothing written) on any error."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        raise ImportFailed([RowError(SHEET, 0, "", "", _("This is not an Excel workbook (.xlsx)."))], 1) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    errors: list[RowError] = []
    header = [_text(v) for v in (rows[0] if rows else ())]
    if header[:2] != list(HEADERS[:2]):
        raise ImportFailed([RowError(ws.title, 1, "", " ".join(header),
                                     _("The header row must be: %(headers)s") % {"headers": "、".join(HEADERS)})], 1)
    parsed, numbers, hashes = [], set(), set()
    for index, values in enumerate(rows[1:], start=2):
        values = list(values) + [None] * 3
        number, id_number, since = _text(values[0]), _text(values[1]), values[2]
        if not number and not id_number and since in (None, ""):
            continue
        if not number:
            errors.append(RowError(ws.title, index, HEADERS[0], "", _("Required.")))
        if not id_number:
            errors.append(RowError(ws.title, index, HEADERS[1], "", _("Required.")))
        day = None
        if since not in (None, ""):
            try:
                day = _date(since)
            except ValueError:
                errors.append(RowError(ws.title, index, HEADERS[2], _text(since), _("Not a date (YYYY-MM-DD).")))
        id_hash = Person.id_number.hash_of(personal.normalize_id_number(id_number)) if id_number else None
        if number in numbers:
            errors.append(RowError(ws.title, index, HEADERS[0], number, _("This household appears twice in the sheet.")))
        numbers.add(number)
        hashes.add(id_hash)
        parsed.append((index, number, id_number, id_hash, day))
    houses = {h.number: h for h in Household.objects.filter(number__in=[p[1] for p in parsed if p[1]])}
    people = {p.id_number_hash: p for p in Person.objects.filter(id_number_hash__in=[h for h in hashes if h])
              .select_related("household")}
    active = set(Link.objects.filter(household__in=houses.values(), until__isnull=True).values_list("household_id",
                                                                                                     flat=True))
    today = queries.today()
    links = []
    for index, number, id_number, id_hash, day in parsed:
        house = houses.get(number)
        if number and (house is None or not house.path.startswith(village.path) or not may_manage(actor, house.path)):
            errors.append(RowError(ws.title, index, HEADERS[0], number, _("No such household in this village.")))
            house = None
        elif house is not None and house.pk in active:
            errors.append(RowError(ws.title, index, HEADERS[0], number, _("This household already has an active link.")))
        member = people.get(id_hash) if id_hash else None
        masked = personal.mask_id_number(id_number) if id_number else ""
        if id_number and (member is None or not member.path.startswith(village.path)):
            errors.append(RowError(ws.title, index, HEADERS[1], masked, _("No such person in this village.")))
            member = None
        elif member is not None and not is_member(member):
            errors.append(RowError(ws.title, index, HEADERS[1], masked, _("This person is not a party member.")))
        if day is not None and day > today:
            errors.append(RowError(ws.title, index, HEADERS[2], day.isoformat(), _("A link cannot begin in the future.")))
        if house is not None and member is not None:
            links.append(Link(member=member, household=house, since=day or today, path=house.path))
    if not parsed:
        errors.append(RowError(ws.title, 2, "", "", _("The sheet has no rows.")))
    if errors:
        raise ImportFailed(errors, len(errors))
    with transaction.atomic():
        made = Link.objects.bulk_create(links)
        audit.record_many("link.import", [(link, None, audit.snapshot(link)) for link in made], actor=actor)
    return len(made)
