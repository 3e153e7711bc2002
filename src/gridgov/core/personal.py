"""Chinese personal identifiers: GB 11643-1999 citizen ID numbers and mobile numbers, and their masks."""

import datetime
import re

from django.utils.translation import gettext as _

# GB 11643-1999: weights 2^(17-i) mod 11 for the 17 body digits, and the check character per remainder.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdentifier(ValueError):
    pass


def id_check_char(body17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(body17, _WEIGHTS)) % 11]


def normalize_id_number(raw: str) -> str:
    return str(raw).strip().replace(" ", "").upper()


def validate_id_number(raw: str) -> str:
    """Return the normalised ID number or raise InvalidIdentifier with a message for people."""
    value = normalize_id_number(raw)
    if not _ID_SHAPE.match(value):
        raise InvalidIdentifier(_("ID number must be 17 digits followed by a digit or X"))
    if id_check_char(value[:17]) != value[17]:
        raise InvalidIdentifier(_("ID number check digit is wrong"))
    try:
        birth_date_from_id(value)
    except ValueError:
        raise InvalidIdentifier(_("ID number contains an impossible birth date")) from None
    return value


def birth_date_from_id(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_from_id(value: str) -> str:
    """'M' or 'F': the 17th digit (sequence code) is odd for men and even for women."""
    return "M" if int(value[16]) % 2 else "F"


def normalize_phone(raw: str) -> str:
    value = re.sub(r"[\s-]", "", str(raw).strip())
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_phone(raw: str) -> str:
    value = normalize_phone(raw)
    if not _MOBILE.match(value) and not re.match(r"^0\d{2,3}\d{7,8}$", value):
        raise InvalidIdentifier(_("Phone must be an 11-digit mobile number or a landline with area code"))
    return value


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) == 11:
        return value[:3] + "****" + value[-4:]
    return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:]


def mask_name(value: str) -> str:
    """张三丰 -> 张**: Chinese convention keeps the family name."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
