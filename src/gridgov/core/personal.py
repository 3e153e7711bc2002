"""Chinese personal identifiers: GB 11643-1999 citizen ID numbers and mobile numbers, and their masks."""

import datetime
import operator
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import clock

# GB 11643-1999: weights 2^(17-i) mod 11 for the 17 body digits, and the check character per remainder.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# ASCII digits only, and \Z rather than $ (which lets a trailing newline through).
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]\Z")
_A_DAY = datetime.timedelta(days=1)
_MOBILE = re.compile(r"^1[3-9][0-9]{9}\Z")
_LANDLINE = re.compile(r"^0[0-9]{2,3}[0-9]{7,8}\Z")


class InvalidIdentifier(ValueError):
    pass


def id_check_char(body17: str) -> str:
    return _CHECK[sum(map(operator.mul, map(int, body17), _WEIGHTS)) % 11]


def id_check_ok(value: str) -> bool:
    """Whether an 18-character ID number's last character is the GB 11643 check character of the 17 before it."""
    return bool(_ID_SHAPE.match(value)) and id_check_char(value[:17]) == value[17]


def _ascii(raw) -> str:
    # Spreadsheets and phone keyboards often give full-width characters: "４４５３…Ｘ" is "4453…X".
    return unicodedata.normalize("NFKC", str(raw))


def normalize_id_number(raw: str) -> str:
    # What a workbook's cell almost always holds, and NFKC and \s change nothing in it (a county's import
    # normalises a million of them).
    if type(raw) is str and raw.isascii() and raw.isalnum():
        return raw.upper()
    return re.sub(r"\s", "", _ascii(raw)).upper()


def validate_id_number(raw: str) -> str:
    """Return the normalised ID number or raise InvalidIdentifier with a message for people."""
    value = normalize_id_number(raw)
    if not _ID_SHAPE.match(value):
        raise InvalidIdentifier(_("ID number must be 17 digits followed by a digit or X"))
    if not id_check_ok(value):
        raise InvalidIdentifier(_("ID number check digit is wrong"))
    try:
        born = birth_date_from_id(value)
    except ValueError:
        raise InvalidIdentifier(_("ID number contains an impossible birth date")) from None
    # "In the future" by the installation's calendar: a child born just after midnight in Beijing is born
    # today there while the server's own date may still be yesterday. The calendar (4 µs) is asked only
    # when the birth is within a day of the server's date (0.6 µs), which no time zone is further from:
    # imports check a million numbers.
    if born.year < 1850 or (born >= datetime.date.today() - _A_DAY and born > timezone.localdate(clock.now())):
        raise InvalidIdentifier(_("ID number contains an impossible birth date"))
    return value


def birth_date_from_id(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_from_id(value: str) -> str:
    """'M' or 'F': the 17th digit (sequence code) is odd for men and even for women."""
    return "M" if int(value[16]) % 2 else "F"


def normalize_phone(raw: str) -> str:
    value = raw if type(raw) is str and raw.isascii() and raw.isdigit() else re.sub(r"[\s\-()]", "", _ascii(raw))
    value = value.removeprefix("+86")
    return value


def validate_phone(raw: str) -> str:
    value = normalize_phone(raw)
    if not _MOBILE.match(value) and not _LANDLINE.match(value):
        raise InvalidIdentifier(_("Phone must be an 11-digit mobile number or a landline with area code"))
    return value


def mask_id_number(value: str) -> str:
    """4453**********1234: the province and prefecture, and the last four characters."""
    if not value:
        return ""
    if len(value) < 12:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; a landline keeps its first three and last two digits."""
    if not value:
        return ""
    if len(value) < 9:
        return "*" * len(value)
    if len(value) == 11:
        return value[:3] + "****" + value[-4:]
    return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:]


def mask_name(value: str) -> str:
    """张三丰 -> 张**: Chinese convention keeps the family name."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


# Free text (a resident's description, a handler's note) on its way out of the system: the
# identifiers in it, in the forms people type them. Digits may be full-width (１３８…, from a Chinese
# keyboard or a spreadsheet); an ID number has 18 characters (the last may be X) or, issued before
# 1999, 15 digits; a long run of 15 to 19 digits (an ID, a bank card) is masked whatever it is.
_D = "0-9０-９"
_SEP = r"[ \-－　]"  # a space, a hyphen, their full-width forms
_TEXT_EMAIL = re.compile(r"[\w.+\-]+[@＠]((?:[\w\-]+[.．])+[\w\-]+)")
_TEXT_LONG_NUMBER = re.compile(rf"(?<![{_D}])[{_D}]{{14,18}}[{_D}XxＸｘ](?![{_D}A-Za-zＡ-Ｚａ-ｚ])")
_TEXT_MOBILE = re.compile(rf"(?<![{_D}])(?:[+＋]?[8８][6６]{_SEP}?)?[1１][3-9３-９][{_D}](?:{_SEP}?[{_D}]){{8}}"
                          rf"(?![{_D}])")
_TEXT_LANDLINE = re.compile(rf"(?<![{_D}])[0０][{_D}]{{2,3}}{_SEP}?[{_D}]{{7,8}}(?![{_D}])")


def mask_text(text: str) -> str:
    """`text` with e-mail addresses (the domain kept), ID numbers and other long digit runs, mobile and
    landline numbers masked; dates, amounts and short numbers stay. Full-width forms are masked too."""
    if not text:
        return ""
    text = _TEXT_EMAIL.sub(lambda m: "***@" + m.group(1), text)
    text = _TEXT_LONG_NUMBER.sub(lambda m: mask_id_number(normalize_id_number(m.group(0))), text)

    def phone(match):
        digits = re.sub(r"\D", "", _ascii(match.group(0)))
        return mask_phone(digits[2:] if len(digits) == 13 and digits.startswith("86") else digits)

    return _TEXT_LANDLINE.sub(phone, _TEXT_MOBILE.sub(phone, text))
