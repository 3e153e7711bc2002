"""GB 11643-1999 citizen ID numbers: the check character, and what validate_id_number accepts."""

import datetime
import re
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gridgov.core.personal import (
    InvalidIdentifier,
    id_check_char,
    id_check_ok,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
)

# Messages are compared with their English msgids.
pytestmark = pytest.mark.usefixtures("english")

# The standard's own example (remainder 2 gives X) and two more, worked by hand from the weights.
KNOWN_VALID = [
    "11010519491231002X",
    "440524188001010014",
    "445321198112120113",
]
KNOWN_INVALID_CHECK = [
    "110105194912310021",
    "440524188001010015",
    "445321198112120112",
]

digits = st.text(alphabet="0123456789", min_size=17, max_size=17)
CHECK_CHARS = "0123456789X"


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_known_valid_numbers_validate(number):
    assert validate_id_number(number) == number


@pytest.mark.parametrize("number", KNOWN_INVALID_CHECK)
def test_known_numbers_with_a_wrong_check_character_are_refused(number):
    with pytest.raises(InvalidIdentifier, match="check digit"):
        validate_id_number(number)


def test_lower_case_x_spaces_and_full_width_digits_are_normalised():
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert validate_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


@pytest.mark.parametrize("raw", ["", "1101051949123100", "11010519491231002", "1101051949123100211",
                                 "11010519491231002A", "X10105194912310021", "11010519491231002X\n1"])
def test_wrong_shapes_are_refused(raw):
    with pytest.raises(InvalidIdentifier, match="17 digits"):
        validate_id_number(raw)


def test_a_trailing_newline_is_not_part_of_a_valid_number():
    assert not id_check_ok("11010519491231002X\n")


@pytest.mark.parametrize("body", ["11010519491331", "11010519490230", "11010520990101"])
def test_impossible_or_future_birth_dates_are_refused(body):
    number = body + "001"
    number += id_check_char(number)
    with pytest.raises(InvalidIdentifier, match="birth date"):
        validate_id_number(number)


@given(digits)
def test_any_17_digits_with_their_computed_check_character_pass_the_check(body):
    assert id_check_ok(body + id_check_char(body))


@given(digits, st.sampled_from(CHECK_CHARS))
def test_any_other_check_character_fails_the_check(body, char):
    assume(char != id_check_char(body))
    assert not id_check_ok(body + char)


@given(st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
       st.integers(min_value=0, max_value=999), st.sampled_from(CHECK_CHARS))
def test_validation_accepts_exactly_the_computed_check_character(region, birth, seq, char):
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    if char == id_check_char(body):
        assert validate_id_number(body + char) == body + char
    else:
        with pytest.raises(InvalidIdentifier):
            validate_id_number(body + char)


def _normalised_the_long_way(raw: str, strip: str) -> str:
    return re.sub(strip, "", unicodedata.normalize("NFKC", raw))


# Cells as workbooks hold them: plain digits, lower-case x, full-width forms, spaces, dashes, other scripts.
_CELL = st.text(st.sampled_from("0123456789xX４５Ｘ -()+\t\u3000\u00a0ab"), max_size=20)


@given(_CELL)
def test_the_quick_path_for_plain_cells_normalises_as_the_long_way(raw):
    assert normalize_id_number(raw) == _normalised_the_long_way(raw, r"\s").upper()
    long_phone = _normalised_the_long_way(raw, r"[\s\-()]")
    assert normalize_phone(raw) == (long_phone.removeprefix("+86"))


def _born_on(day: datetime.date) -> str:
    body = f"445321{day:%Y%m%d}011"
    return body + id_check_char(body)


@pytest.mark.parametrize("utc_moment", [
    "2026-03-01T15:30:00", "2026-03-01T16:30:00", "2026-12-31T15:59:00", "2026-12-31T16:01:00",
    "2028-02-28T16:30:00", "2028-02-29T12:00:00", "2030-06-30T23:59:00", "2031-01-01T00:00:00",
])
def test_a_birth_today_by_the_installations_calendar_is_accepted_and_tomorrow_refused(utc_moment, settings):
    # The installation's day (Asia/Shanghai, 8 h ahead of UTC), whatever the server's own date is.
    import time_machine
    from django.utils import timezone

    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime.datetime.fromisoformat(utc_moment).replace(tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        today = timezone.localdate()
        assert today == (moment + datetime.timedelta(hours=8)).date()
        assert validate_id_number(_born_on(today)) == _born_on(today)
        assert validate_id_number(_born_on(today - datetime.timedelta(days=1)))
        with pytest.raises(InvalidIdentifier, match="impossible birth date"):
            validate_id_number(_born_on(today + datetime.timedelta(days=1)))
