"""Masks shown wherever a role may not see personal identifiers in full."""

import pytest

from gridgov.core.personal import mask_id_number, mask_name, mask_phone


def test_id_number_keeps_the_first_four_and_last_four_characters():
    assert mask_id_number("445321198112121234") == "4453**********1234"
    assert mask_id_number("11010519491231002X") == "1101**********002X"


def test_mobile_phone_keeps_the_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"


def test_landline_keeps_the_area_prefix_and_last_two_digits():
    assert mask_phone("075712345678") == "075*******78"


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone])
def test_short_values_are_masked_entirely_rather_than_shown_twice(mask):
    assert mask("12345") == "*****"


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name])
def test_empty_stays_empty(mask):
    assert mask("") == ""


def test_name_keeps_the_family_name():
    assert mask_name("张三丰") == "张**"
