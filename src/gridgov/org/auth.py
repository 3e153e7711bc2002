"""Login with lockout, and the password rule.

Our own backend rather than django-axes: the lock lives on the account row, so the web login and
the API token endpoint share it, and each lock and unlock is an audit entry like any other write.
django-axes would add its own tables, middleware and per-address rules beside it without removing any
of this; what our backend lacked (issue 17, finding 11) was only an atomic counter, below.

Each attempt takes its place in the count with one conditional UPDATE before the password is checked
(`take_attempt`): of many parallel attempts, only LOGIN_FAILURE_LIMIT get past the counter before the
lock holds, instead of all that read the row before the first failure was written.
"""

import datetime

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit

from . import twofactor


class AccountLocked(PermissionDenied):
    """Raised by the backend for a locked account. A PermissionDenied, so django.contrib.auth.authenticate()
    stops there and answers None (the login form then refuses as for a wrong password);
    authenticate_or_reason() tells the two apart for the message."""

    def __init__(self, until):
        self.until = until
        super().__init__(str(until))


def _now_locked_until(username: str):
    from .models import User

    return (User.objects.filter(username=username, locked_until__gt=timezone.now())
            .values_list("locked_until", flat=True).first())


def take_attempt(user, now, until) -> int | None:
    """Counts one more attempt on the account unless it is locked, atomically: the attempt that reaches
    LOGIN_FAILURE_LIMIT locks the account until `until` (and sets the count back to 0) in the same statement.
    Returns the count after this attempt (0: this attempt locked it), or None when the account is locked.

    A success sets the count back to 0 afterwards, so only failures remain counted. PostgreSQL makes
    parallel UPDATEs of the row wait for each other and re-checks the WHERE; SQLite runs writers one at a time."""
    from .models import User

    opts = User._meta
    quote = connection.ops.quote_name
    failed, locked = quote(opts.get_field("failed_logins").column), quote(opts.get_field("locked_until").column)
    limit = settings.LOGIN_FAILURE_LIMIT
    sql = (f"UPDATE {quote(opts.db_table)} SET "
           f"{failed} = CASE WHEN {failed} + 1 >= %s THEN 0 ELSE {failed} + 1 END, "
           f"{locked} = CASE WHEN {failed} + 1 >= %s THEN %s ELSE {locked} END "
           f"WHERE {quote(opts.pk.column)} = %s AND ({locked} IS NULL OR {locked} <= %s) "
           f"RETURNING {failed}")
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit, limit, adapt(until), user.pk, adapt(now)])
        row = cursor.fetchone()
    return None if row is None else row[0]


class LockoutBackend(ModelBackend):
    """ModelBackend that counts failures and locks the account for LOGIN_LOCK_MINUTES after
    LOGIN_FAILURE_LIMIT consecutive failures. A locked account refuses even the right password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from .models import User

        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal accounts
            return None
        now = timezone.now()
        if user.locked_until and user.locked_until > now:
            raise AccountLocked(user.locked_until)
        # Counted before the (slow) password check, so parallel attempts cannot all pass an unlocked row.
        until = now + datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)  # if this attempt locks
        count = take_attempt(user, now, until)
        if count is None:
            raise AccountLocked(_now_locked_until(username) or now)
        right = user.check_password(password)
        if right and self.user_can_authenticate(user) and twofactor.needs_code(user):
            # A code is still owed: the attempt stays counted (only a finished sign-in sets the count back
            # to 0, org/twofactor.py), so guessing codes behind the right password meets the lockout too.
            if count == 0:
                audit.record("account.lock", user, {"locked_until": None},
                             {"locked_until": until.isoformat(), "failed_logins": settings.LOGIN_FAILURE_LIMIT})
                raise AccountLocked(until)
            return user
        if right:
            # The right password: the count goes back to 0 (a deactivated account too: refused below, but
            # not a failed attempt), and a lock taken by this very attempt is lifted.
            expired_lock = user.locked_until
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            user.failed_logins, user.locked_until = 0, None
            if expired_lock is not None:
                audit.record("account.unlock", user, {"locked_until": expired_lock.isoformat()},
                             {"locked_until": None}, actor=user)
            if not self.user_can_authenticate(user):
                return None
            return user
        if count == 0:
            # The system locks, not the person typing: the row names the account as its object.
            audit.record("account.lock", user, {"locked_until": None},
                         {"locked_until": until.isoformat(), "failed_logins": settings.LOGIN_FAILURE_LIMIT})
        return None


def lock_message(until) -> str:
    local = timezone.localtime(until)
    return _("This account is locked after too many failed logins until %(time)s.") % {
        "time": local.strftime("%Y-%m-%d %H:%M")
    }


def authenticate_or_reason(request, username: str, password: str):
    """(user, None) on success, else (None, message) telling a locked account apart from a bad password."""
    from django.contrib.auth import authenticate

    user = authenticate(request, username=username, password=password)
    if user is not None:
        return user, None
    until = _now_locked_until(username)
    if until is not None:
        return None, lock_message(until)
    return None, _("Wrong username or password.")


class CharacterClassValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters."""

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols."),
                code="password_classes",
            )

    def get_help_text(self):
        return _("Use at least three of: lower-case letters, upper-case letters, digits, symbols.")
