"""Passwords: at least 8 characters mixing at least three of lower case, upper case, digits, symbols."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from gridgov.org import actions


@pytest.mark.parametrize("password", ["Ab1-x", "Gx7-plu"])
def test_shorter_than_8_is_refused(db, password):
    with pytest.raises(ValidationError, match="at least 8"):
        validate_password(password)


@pytest.mark.parametrize("password", ["plumtreeriver", "plumtree4river", "PLUMTREE4RIVER", "plum-tree-river",
                                      "83920571946"])
def test_fewer_than_three_classes_are_refused(db, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "password_classes" in [e.code for e in refused.value.error_list]


@pytest.mark.parametrize("password", ["Plumtree4river", "plumtree4-river", "PLUMTREE4-RIVER", "Plum-tree-river",
                                      "Gx7-plum"])
def test_three_classes_and_8_characters_are_accepted(db, password):
    validate_password(password)


def test_accounts_are_created_and_changed_under_the_same_rule(personas):
    with pytest.raises(ValidationError):
        actions.do_create_user(None, "weak", "town_admin", personas.town.town.code, password="password1")
    with pytest.raises(ValidationError):
        actions.do_change_password(personas.worker_a1, personas.worker_a1, "alllowercase1")
    actions.do_change_password(personas.worker_a1, personas.worker_a1, "Fresh-Start-7")
    personas.worker_a1.refresh_from_db()
    assert personas.worker_a1.check_password("Fresh-Start-7")


def test_changing_the_password_ends_existing_api_tokens(personas, api_client):
    client = api_client("worker_a1")
    assert client.get("/api/v1/me").status_code == 200
    actions.do_change_password(personas.worker_a1, personas.worker_a1, "Fresh-Start-7")
    assert client.get("/api/v1/me").status_code == 401
