"""The registry workbook: its sheets, columns and values, shared by import, export and the template.

The format is the one towns already keep, with Chinese sheet names, headers and enumerated values.
Those are part of the file format (a workbook filled in under any interface language must import),
so they are constants here, not translated text; the explanations in the 说明 sheet are translated.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from .models import PartyOrg, Person, Post, Region

# Excel holds 1,048,576 rows a sheet; a longer list continues on 人员2, 人员3, ... (header on each).
MAX_DATA_ROWS = 1_048_575
HELP_SHEET = "说明"


@dataclass(frozen=True)
class Column:
    header: str
    required: bool
    help: str
    width: int = 16
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    kind: str
    name: str
    columns: tuple[Column, ...]
    help: str

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


REGION_KINDS = {"县": Region.Kind.COUNTY, "镇": Region.Kind.TOWN, "村": Region.Kind.VILLAGE,
                "社区": Region.Kind.COMMUNITY, "村民小组": Region.Kind.GROUP}
# Names towns also use for the same levels; accepted on import, never written.
REGION_KIND_ALIASES = {"乡": Region.Kind.TOWN, "街道": Region.Kind.TOWN, "居民小组": Region.Kind.GROUP}
REGION_KIND_LEVEL = {Region.Kind.COUNTY: 1, Region.Kind.TOWN: 2, Region.Kind.VILLAGE: 3,
                     Region.Kind.COMMUNITY: 3, Region.Kind.GROUP: 4}

PARTY_KINDS = {"党委": PartyOrg.Kind.COMMITTEE, "党支部": PartyOrg.Kind.BRANCH, "网格党小组": PartyOrg.Kind.GROUP}
PARTY_KIND_ALIASES = {"党总支": PartyOrg.Kind.BRANCH, "党小组": PartyOrg.Kind.GROUP}

# Plain strings, not the choices' members: an import's million rows are pickled between the two
# processes that check them and snapshotted for the audit, where a member costs a call each.
GENDERS = {"男": Person.Gender.MALE.value, "女": Person.Gender.FEMALE.value}
RELATIONS = {"户主": Person.Relation.HEAD.value, "配偶": Person.Relation.SPOUSE.value,
             "子女": Person.Relation.CHILD.value, "父母": Person.Relation.PARENT.value,
             "孙子女": Person.Relation.GRANDCHILD.value, "其他": Person.Relation.OTHER.value}
# 政治面貌: only party membership is kept, so export writes 中共党员 or 群众.
POLITICAL = {"中共党员": True, "中共预备党员": True, "共青团员": False, "民主党派": False,
             "无党派人士": False, "群众": False}
PARTY_MEMBER, NOT_PARTY_MEMBER = "中共党员", "群众"
POSTS = {"网格长": Post.Kind.GRID_LEADER, "专职网格员": Post.Kind.GRID_WORKER_FULL,
         "兼职网格员": Post.Kind.GRID_WORKER_PART, "义务网格员": Post.Kind.GRID_WORKER_VOLUNTEER,
         "党员责任人": Post.Kind.PARTY_RESPONSIBLE, "党员中心户": Post.Kind.CENTRAL_HOUSEHOLD,
         "党组织书记": Post.Kind.SECRETARY, "党小组长": Post.Kind.GROUP_LEADER}
POST_SEPARATORS = "、,，;；/ "
YES_NO = {"是": True, "否": False}


def label_of(mapping: dict, value) -> str:
    """The workbook word for a stored value (the first key that maps to it)."""
    for word, stored in mapping.items():
        if stored == value:
            return word
    return ""


REGIONS = Sheet("regions", "行政区划", (
    Column("区划代码", True, _("12-digit statistical division code (14 digits for a villager group). "
                            "The level is read from the code: ......000000 county, .........000 town, "
                            "otherwise village or community."), 16),
    Column("名称", True, _("Name of the county, town, village, community or villager group."), 18),
    Column("类型", True, _("One of the listed types; it must agree with the level read from the code."), 10,
           tuple(REGION_KINDS)),
    Column("上级代码", False, _("Code of the region one level up; empty only for a county. It must already "
                             "exist or be a row of this sheet."), 16),
), _("Administrative divisions: county > town > village or community > villager group."))

GRIDS = Sheet("grids", "网格", (
    Column("网格编码", True, _("15 digits: the 12-digit code of the town or village the grid lies in and a "
                            "3-digit sequence. Town grid: town code + 000; village grid: village code + 000; "
                            "small grid: village code + 001...999."), 18),
    Column("网格名称", True, _("Name of the grid."), 18),
    Column("上级网格编码", False, _("Town grid: empty. Village grid: the town grid. Small grid: the village "
                                "grid of the same village."), 18),
    Column("边界GeoJSON", False, _("Optional boundary as GeoJSON text (a Polygon or MultiPolygon, WGS 84 "
                                 "longitude/latitude). An empty cell keeps the boundary already stored."), 30),
), _("Grids: the town grid, one grid per village, and the small grids of households."))

PARTY_ORGS = Sheet("party_orgs", "党组织", (
    Column("组织编码", True, _("Your own code for the party organisation; it identifies the row on "
                            "re-import."), 18),
    Column("名称", True, _("Name of the party organisation."), 20),
    Column("类型", True, _("One of the listed types."), 12, tuple(PARTY_KINDS)),
    Column("上级组织编码", False, _("Code of the organisation above it (empty for the top one)."), 18),
    Column("所属区划代码", True, _("Region the organisation belongs to."), 16),
    Column("所属网格编码", False, _("Grid of a grid party group; it must lie in the region above."), 18),
), _("Party organisations: the town party committee, village branches and grid party groups."))

HOUSEHOLDS = Sheet("households", "户", (
    Column("户编号", True, _("Household number, unique in the whole registry."), 22),
    Column("所属网格编码", True, _("The small grid the household lives in."), 18),
    Column("地址", True, _("Address of the household."), 28),
    Column("党员中心户", False, _("是 or 否 (empty means 否). A member with the post 党员中心户 also marks "
                              "the household."), 10, tuple(YES_NO)),
), _("Households, each in a small grid."))

PEOPLE = Sheet("people", "人员", (
    Column("姓名", True, _("Full name."), 10),
    Column("性别", False, _("男 or 女; if empty it is read from the ID number, and it must agree with it."),
           6, tuple(GENDERS)),
    Column("出生日期", False, _("YYYY-MM-DD or an Excel date; if empty it is read from the ID number, and it "
                            "must agree with it."), 12),
    Column("身份证号", True, _("18-character citizen ID number (GB 11643, check digit verified). Required: it "
                            "identifies the person, so importing the same person again updates them."), 22),
    Column("手机号", False, _("11-digit mobile number or a landline with its area code. An empty cell keeps a "
                           "phone already stored."), 14),
    Column("户编号", False, _("Household the person belongs to: a row of the 户 sheet or a household already "
                           "registered."), 22),
    Column("与户主关系", False, _("Relation to the head of the household; needs a household number. A "
                              "household has one 户主."), 10, tuple(RELATIONS)),
    Column("所属网格编码", False, _("The person's grid. May be left empty when a household number is given: "
                               "the household's grid is used, and a grid given must be that one."), 18),
    Column("政治面貌", False, _("Political status; empty means 群众."), 12, tuple(POLITICAL)),
    Column("所属党组织编码", False, _("Party organisation of a party member."), 18),
    Column("身份", False, _("Posts held in the person's grid, separated by 、 or a comma: 网格长, 专职网格员, "
                          "兼职网格员, 义务网格员, 党员责任人, 党员中心户, 党组织书记, 党小组长. A post in another "
                          "grid is written with that grid's code after @, e.g. 网格长@445321104201000. Import "
                          "adds posts and never removes one; posts held on a region or a party organisation "
                          "are managed on the web pages, not in this workbook."), 24),
), _("People. ID numbers and phones are stored encrypted and shown masked."))

SHEETS: tuple[Sheet, ...] = (REGIONS, GRIDS, PARTY_ORGS, HOUSEHOLDS, PEOPLE)
SHEET_BY_KIND = {s.kind: s for s in SHEETS}
KINDS = tuple(SHEET_BY_KIND)


def _general_help() -> list[str]:
    return [
        str(_("How to fill in this workbook")),
        str(_("Keep the sheet names and the header row as they are; the order of columns may change and "
              "extra columns are ignored. Each sheet is optional.")),
        str(_("Rows may refer only to objects already registered or to rows of this same workbook.")),
        str(_("Rows are matched by their code (region, grid, party organisation), household number or ID "
              "number: an existing one is updated, a new one is created. Nothing is ever deleted.")),
        str(_("The whole workbook is checked first. If any row is wrong, nothing is written and every problem "
              "is listed with its sheet, row, column and reason.")),
        str(_("An administrator may import only rows inside the part of the tree their account covers.")),
        str(_("Enter codes, ID numbers and phone numbers as text so that Excel does not drop digits.")),
    ]



def template_workbook() -> Workbook:
    """The empty workbook to fill in: the five sheets with their headers and drop-down lists, then 说明."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        ws.append(sheet.headers)
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = bold
            letter = cell.column_letter
            ws.column_dimensions[letter].width = column.width
            # Text format keeps long codes and ID numbers from turning into rounded numbers.
            ws.column_dimensions[letter].number_format = "@"
            if column.choices:
                validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                            allow_blank=True)
                validation.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(validation)
        ws.freeze_panes = "A2"
    ws = wb.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in _general_help():
        ws.append([line])
    ws["A1"].font = bold
    ws.append([])
    ws.append([str(_("Sheet")), str(_("Column")), str(_("Required")), str(_("Meaning"))])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for sheet in SHEETS:
        ws.append([sheet.name, "", "", str(sheet.help)])
        ws.cell(row=ws.max_row, column=1).font = bold
        for column in sheet.columns:
            meaning = str(column.help)
            if column.choices:
                meaning += " " + str(_("Values: %(values)s")) % {"values": "、".join(column.choices)}
            ws.append([sheet.name, column.header, str(_("yes")) if column.required else "", meaning])
            ws.cell(row=ws.max_row, column=4).alignment = wrap
    return wb
