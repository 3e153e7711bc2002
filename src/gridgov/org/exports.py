"""Export of the org registry to .xlsx in the import's format: scoped, masked unless asked otherwise, audited.

A full (unmasked) export of everything re-imports unchanged. The workbook is streamed with
openpyxl's write-only mode and rows come from the database in chunks, so a county's million people
never sit in memory at once.
"""

import json
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from gridgov.core import audit, crypto, personal, xlsx
from gridgov.core.scoping import EXPORT, VIEW, VIEW_PERSONAL, can, restrict

from . import excel
from .models import Grid, Household, PartyOrg, Person, Post, Region

KINDS = (*excel.KINDS, "all", "template")
MODELS = {"regions": Region, "grids": Grid, "party_orgs": PartyOrg, "households": Household, "people": Person}
CHUNK = 5000

ProgressCallback = Callable[[str, int], None]  # (kind, rows written so far)


def kinds_for(user, kind: str) -> list[str]:
    """The sheets `kind` stands for that `user` may export (None: the system, everything).
    Raises PermissionDenied when that leaves nothing."""
    if kind not in KINDS or kind == "template":
        raise ValueError(kind)
    wanted = list(excel.KINDS) if kind == "all" else [kind]
    if user is None:
        return wanted
    allowed = [k for k in wanted if can(user, EXPORT, MODELS[k].scope_kind)]
    if not allowed:
        raise PermissionDenied(_("You may not export this list."))
    return allowed


def may_export_full(user) -> bool:
    return user is None or can(user, VIEW_PERSONAL, "person")


def _scoped(user, model, action: str = EXPORT):
    return model.objects.all() if user is None else restrict(user, action, model)


# Each list is (queryset of value tuples, function turning one tuple into a row of the sheet).

def _region_rows(user, full: bool):
    qs = _scoped(user, Region).order_by("path").values_list("code", "name", "kind", "parent__code")
    return qs, lambda v: [v[0], v[1], excel.label_of(excel.REGION_KINDS, v[2]), v[3] or ""]


def _grid_rows(user, full: bool):
    qs = _scoped(user, Grid).order_by("level", "path").values_list("code", "name", "parent__code", "geometry")

    def row(v):
        text = json.dumps(v[3], ensure_ascii=False, separators=(",", ":")) if v[3] else ""
        return [v[0], v[1], v[2] or "", text]

    return qs, row


def _party_rows(user, full: bool):
    qs = _scoped(user, PartyOrg).order_by("path", "code").values_list(
        "code", "name", "kind", "parent__code", "region__code", "grid__code")
    return qs, lambda v: [v[0], v[1], excel.label_of(excel.PARTY_KINDS, v[2]), v[3] or "", v[4], v[5] or ""]


def _household_rows(user, full: bool):
    qs = _scoped(user, Household).order_by("path", "number").values_list(
        "number", "grid__code", "address", "is_party_central")
    return qs, lambda v: [v[0], v[1], v[2], "是" if v[3] else "否"]


def people_queryset(user, full: bool):
    qs = _scoped(user, Person)
    if full and user is not None:
        # Unmasked rows only where the user may see personal data in full, whatever export allows.
        qs = restrict(user, VIEW_PERSONAL, qs)
    return qs


def _person_rows(user, full: bool):
    people = people_queryset(user, full)
    # 身份 lists the posts held in a grid: in the person's own grid by name, in another grid as
    # name@grid code. Posts on a region or a party organisation alone are not part of the workbook.
    posts: dict[int, list[tuple]] = defaultdict(list)
    post_order = {kind: index for index, kind in enumerate(excel.POSTS.values())}
    for person_id, kind, grid_code, own_grid in (
        _scoped(user, Post, VIEW).filter(person__in=people.values("pk"), grid__isnull=False)
        .values_list("person_id", "kind", "grid__code", "person__grid__code").iterator(chunk_size=CHUNK)
    ):
        word = excel.label_of(excel.POSTS, kind)
        posts[person_id].append((grid_code != own_grid, post_order.get(kind, 99), grid_code,
                                 word if grid_code == own_grid else f"{word}@{grid_code}"))
    relation_words = {v: k for k, v in excel.RELATIONS.items()}
    gender_words = {v: k for k, v in excel.GENDERS.items()}
    qs = people.order_by("path", "household_id", "id").values_list(
        "pk", "name", "gender", "birth_date", "id_number_enc", "phone_enc", "household__number", "relation",
        "grid__code", "is_party_member", "party_org__code")

    def row(v):
        pk, name, gender, birth, id_enc, phone_enc, house, relation, grid, party, org = v
        id_number = crypto.decrypt(id_enc) if id_enc else ""
        phone = crypto.decrypt(phone_enc) if phone_enc else ""
        if not full:
            id_number, phone = personal.mask_id_number(id_number), personal.mask_phone(phone)
        return [name, gender_words.get(gender, ""), birth.isoformat() if birth else "", id_number, phone,
                house or "", relation_words.get(relation, ""), grid,
                excel.PARTY_MEMBER if party else excel.NOT_PARTY_MEMBER, org or "",
                "、".join(text for *_order, text in sorted(posts.pop(pk, ())))]

    return qs, row


ROWS = {"regions": _region_rows, "grids": _grid_rows, "party_orgs": _party_rows,
        "households": _household_rows, "people": _person_rows}


def _header(ws, sheet: excel.Sheet) -> None:
    bold = Font(bold=True)
    cells = []
    for title in sheet.headers:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        cells.append(cell)
    xlsx.append(ws, cells)


def export_workbook(kind: str, target, user=None, full: bool = False,
                    progress: ProgressCallback | None = None, max_rows: int = excel.MAX_DATA_ROWS) -> dict:
    """Write the `kind` workbook to `target` (a path or a binary file) as `user` sees it (None: the
    system, everything). Masked unless `full`. Returns rows per sheet kind; every export is audited."""
    if kind == "template":
        excel.template_workbook().save(target)
        return {}
    kinds = kinds_for(user, kind)
    if full and not may_export_full(user):
        raise PermissionDenied(_("You may not see personal data in full."))
    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for sheet_kind in kinds:
        sheet = excel.SHEET_BY_KIND[sheet_kind]
        queryset, to_row = ROWS[sheet_kind](user, full)
        # Counted first, so that each sheet can state its size (<dimension>): readers such as openpyxl
        # otherwise scan a whole sheet once just to learn it. The rows written are at most that many.
        total = queryset.count()
        count = 0
        for part in range(max(1, -(-total // max_rows))):
            ws = workbook.create_sheet(sheet.name if part == 0 else f"{sheet.name}{part + 1}")
            size = min(max_rows, total - part * max_rows)
            ws.calculate_dimension = _dimension(len(sheet.headers), size + 1)
            _header(ws, sheet)
            for values in queryset[part * max_rows:part * max_rows + size].iterator(chunk_size=CHUNK):
                xlsx.append(ws, to_row(values))
                count += 1
                if progress and count % 10000 == 0:
                    progress(sheet_kind, count)
        counts[sheet_kind] = count
        if progress:
            progress(sheet_kind, count)
    workbook.save(target)
    audit.record("org.export", _ExportSubject(user), None,
                 {"kind": kind, "rows": counts, "masked": not full}, actor=user)
    return counts


def _dimension(columns: int, rows: int):
    ref = f"A1:{get_column_letter(columns)}{rows}"
    return lambda: ref


class _ExportSubject:
    """What an export's audit row is about: the export, placed at the exporter's scope node."""

    def __init__(self, user):
        self.pk = None
        self.path = getattr(user, "scope_path", "") or ""

    def __str__(self):
        return "org.export"
