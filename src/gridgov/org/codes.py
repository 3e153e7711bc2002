"""Codes and paths of the org tree, in the style of the national codes.

Regions use the 12-digit statistical division codes (GB/T 2260 + 3-digit town + 3-digit village):
county 445321000000, town 445321104000, village 445321104201; a villager group appends a 2-digit
sequence (14 digits). Grids use the 15-digit grid code of the grid-management standards: the
12-digit code of the village (or town) they lie in and a 3-digit grid sequence number, 000 for the
grid that covers the whole village or town.
"""

import re

from django.utils.translation import gettext as _

REGION_CODE = re.compile(r"^\d{12}$|^\d{14}$")
GRID_CODE = re.compile(r"^\d{15}$")


class CodeError(ValueError):
    pass


def region_level_of(code: str) -> int:
    """1 county, 2 town, 3 village, 4 villager group, read off the code itself."""
    if len(code) == 14:
        return 4
    if not REGION_CODE.match(code):
        raise CodeError(_("A region code has 12 digits (14 for a villager group): %(code)s") % {"code": code})
    if code[6:] == "000000":
        return 1
    if code[9:] == "000":
        return 2
    return 3


def region_segment(code: str, level: int) -> str:
    return {1: code[:6], 2: code[6:9], 3: code[9:12], 4: code[12:14]}[level]


def region_path(code: str, level: int, parent_path: str = "") -> str:
    return f"{parent_path}{region_segment(code, level)}."


def grid_level_of(code: str) -> int:
    if not GRID_CODE.match(code):
        raise CodeError(_("A grid code has 15 digits: %(code)s") % {"code": code})
    if code[12:] != "000":
        return 3
    return 1 if code[9:12] == "000" else 2


def grid_region_code(code: str) -> str:
    return code[:12]


def grid_path(code: str, level: int, region_path_: str) -> str:
    """Town and village grids share their region's path; a small grid adds g<seq>."""
    return region_path_ if level < 3 else f"{region_path_}g{code[12:]}."


def small_grid_code(village_code: str, seq: int) -> str:
    return f"{village_code}{seq:03d}"


def village_grid_code(village_code: str) -> str:
    return f"{village_code}000"
