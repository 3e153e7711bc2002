"""Codes and paths of the org tree, in the style of the national codes.

Regions use the 12-digit statistical division codes (GB/T 2260 + 3-digit town + 3-digit village):
county 445321000000, town 445321104000, village 445321104201; a villager group appends a 2-digit
sequence (14 digits). Grids use the 15-digit grid code of the grid-management standards: the
12-digit code of the village (or town) they lie in and a 3-digit grid sequence number, 000 for the
grid that covers the whole village or town.
"""

import re

from django.utils.translation import gettext as _

# ASCII digits only (\d would take full-width and other scripts' digits), and \Z, not $, which allows a newline.
REGION_CODE = re.compile(r"^(?:[0-9]{12}|[0-9]{14})\Z")
GRID_CODE = re.compile(r"^[0-9]{15}\Z")


class CodeError(ValueError):
    pass


def region_level_of(code: str) -> int:
    """1 county, 2 town, 3 village, 4 villager group, read off the code itself."""
    code = code or ""
    if not REGION_CODE.match(code):
        raise CodeError(_("A region code has 12 digits (14 for a villager group): %(code)s") % {"code": code})
    if code[:6] == "000000":
        raise CodeError(_("A region code starts with the 6-digit code of its county: %(code)s") % {"code": code})
    if len(code) == 14:
        if code[9:12] == "000" or code[12:] == "00":
            raise CodeError(_("A villager group code is its village's 12-digit code and a group number from 01: "
                              "%(code)s") % {"code": code})
        return 4
    if code[6:] == "000000":
        return 1
    if code[6:9] == "000":
        raise CodeError(_("The town part (digits 7 to 9) of %(code)s is 000") % {"code": code})
    if code[9:] == "000":
        return 2
    return 3


def region_parent_code(code: str) -> str | None:
    """The code of the region one level up, read off the code (None for a county)."""
    level = region_level_of(code)
    return {1: None, 2: code[:6] + "000000", 3: code[:9] + "000", 4: code[:12]}[level]


def region_segment(code: str, level: int) -> str:
    return {1: code[:6], 2: code[6:9], 3: code[9:12], 4: code[12:14]}[level]


def region_path(code: str, level: int, parent_path: str = "") -> str:
    return f"{parent_path}{region_segment(code, level)}."


def grid_level_of(code: str) -> int:
    """1 town grid (town code + 000), 2 village grid (village code + 000), 3 small grid (village code + 001..999)."""
    code = code or ""
    if not GRID_CODE.match(code):
        raise CodeError(_("A grid code has 15 digits: %(code)s") % {"code": code})
    region_level = region_level_of(code[:12])
    if region_level == 1:
        raise CodeError(_("A grid code starts with the code of a town or a village, not a county: %(code)s")
                        % {"code": code})
    if region_level == 2:
        if code[12:] != "000":
            raise CodeError(_("Small grids lie in a village: %(code)s names a town") % {"code": code})
        return 1
    return 2 if code[12:] == "000" else 3


def grid_region_code(code: str) -> str:
    return code[:12]


def grid_path(code: str, level: int, region_path_: str) -> str:
    """Town and village grids share their region's path; a small grid adds g<seq>."""
    return region_path_ if level < 3 else f"{region_path_}g{code[12:]}."


def small_grid_code(village_code: str, seq: int) -> str:
    return f"{village_code}{seq:03d}"


def village_grid_code(village_code: str) -> str:
    return f"{village_code}000"
