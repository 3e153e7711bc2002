"""Two factors for staff (issue 17, controls): a password and a TOTP code (django-otp), with recovery codes.

Who must: superusers and town administrators (any scope) when settings.TWO_FACTOR_REQUIRED is on (the
default when GRIDGOV_DEMO=0), plus the roles in TWO_FACTOR_ROLES. Whoever enrolled voluntarily is asked
for a code too. A user who must but has no device is sent to enrol before being logged in.

Wrong codes count like wrong passwords: each code tried takes an attempt with org.auth.take_attempt, so
five wrong codes (or passwords) lock the account; only a completed sign-in sets the count back to 0.
django-otp's own growing delay is off (OTP_*_THROTTLE_FACTOR = 0): the lockout is the throttle.

A session is "verified" when it holds SESSION_KEY (the device's persistent id), set at the code step.
TwoFactorMiddleware sends a session of a user who must use two factors but is not verified (e.g. one
opened before enforcement was turned on) back to the code step.
"""


from django.conf import settings
from django.contrib.auth import login, logout
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.core import audit
from gridgov.core.scoping import TOWN_ADMIN

SESSION_KEY = "gridgov_otp_device"
PENDING_KEY = "gridgov_otp_pending"  # user id that passed the password and owes a code
RECOVERY_CODES = 10
BACKEND = "gridgov.org.auth.LockoutBackend"


def must_use(user) -> bool:
    """Whether the rule obliges this account to a second factor (no query)."""
    if not settings.TWO_FACTOR_REQUIRED or not getattr(user, "pk", None):
        return False
    return bool(user.is_superuser or user.role == TOWN_ADMIN or user.role in settings.TWO_FACTOR_ROLES)


def totp_device(user, confirmed: bool | None = True):
    qs = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.order_by("pk").first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_code(user) -> bool:
    """Whether signing in takes a code: the rule says so, or the user enrolled."""
    return must_use(user) or is_enrolled(user)


def recovery_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _clean(code: str) -> str:
    return "".join((code or "").split()).lower()


def verify(user, code: str):
    """The device that accepts this code (TOTP, else a recovery code, used up), or None. Not counted here."""
    code = _clean(code)
    if not code:
        return None
    device = totp_device(user)
    if device is not None and code.isdigit() and device.verify_token(code):
        return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):  # deletes the token: a recovery code works once
            audit.record("user.otp_recovery_used", user, None, {"left": recovery_left(user)}, actor=user)
            return static
    return None


def check_code(user, code: str, counted: bool = True):
    """(device, None) for a right code, else (None, message). `counted`: this try takes an attempt of the
    lockout (the web code step); the token endpoint's try was already counted with its password."""
    from . import auth

    now = timezone.now()
    until = now + timezone.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    count = None
    if counted:
        count = auth.take_attempt(user, now, until)
        if count is None:
            return None, auth.lock_message(auth._now_locked_until(user.username) or now)
    device = verify(user, code)
    if device is None:
        if count == 0:
            audit.record("account.lock", user, {"locked_until": None},
                         {"locked_until": until.isoformat(), "failed_logins": settings.LOGIN_FAILURE_LIMIT})
            return None, auth.lock_message(until)
        return None, _("Wrong or expired verification code.")
    signed_in(user)
    return device, None


def signed_in(user) -> None:
    """The whole sign-in succeeded: the failure count goes back to 0."""
    type(user).objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    user.failed_logins, user.locked_until = 0, None


def start_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device (a new secret the first time)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False, tolerance=1)
    return device


@transaction.atomic
def confirm_enrolment(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the device with its first code; returns the new recovery codes (shown once), or None."""
    if device.confirmed or device.user_id != user.pk or not device.verify_token(_clean(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    audit.record("user.otp_enrol", user, None, {"device": "totp", "recovery_codes": len(codes)}, actor=user)
    return codes


@transaction.atomic
def do_new_recovery_codes(user) -> list[str]:
    """Ten fresh recovery codes in place of the old ones (audited; the codes themselves are not)."""
    codes = new_recovery_codes(user)
    audit.record("user.otp_recovery_new", user, None, {"recovery_codes": len(codes)}, actor=user)
    return codes


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it by hand: base32 in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (drawn here, no outside service)."""
    from gridgov.core import qr

    return str(qr.svg(device.config_url))


class TwoFactorError(PermissionError):
    pass


@transaction.atomic
def do_reset(actor, user, reason: str = "reset") -> int:
    """Removes a user's second factor (TOTP and recovery codes), audited. Oneself, a superuser, or an
    administrator who may change the account (core.scoping) may; the user enrols anew at the next login."""
    from gridgov.core.scoping import CHANGE, restrict

    from .models import User

    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        if not restrict(actor, CHANGE, User).filter(pk=user.pk).exists():
            raise TwoFactorError(_("You may not reset this account's second factor."))
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    action = "user.otp_remove" if actor is not None and actor.pk == user.pk else "user.otp_reset"
    audit.record(action, user, None, {"removed": removed, "reason": reason}, actor=actor)
    return removed


# Web flow -------------------------------------------------------------------------------------


def begin(request, user):
    """After a right password: log in now if no code is owed, else remember the user as pending and
    answer where to go next (the code step, or enrolment for one who must but has none)."""
    if not needs_code(user):
        login(request, user, backend=BACKEND)
        return None
    request.session.cycle_key()
    request.session[PENDING_KEY] = user.pk
    return "web:otp_enrol" if not is_enrolled(user) else "web:otp_verify"


def pending_user(request):
    from .models import User

    if request.user.is_authenticated:
        return request.user
    pk = request.session.get(PENDING_KEY)
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


def finish(request, user, device) -> None:
    """The code step passed: log in (a new session) and mark it verified."""
    if not request.user.is_authenticated:
        request.session.pop(PENDING_KEY, None)
        login(request, user, backend=BACKEND)
    request.session[SESSION_KEY] = device.persistent_id


def is_verified(request) -> bool:
    return bool(request.session.get(SESSION_KEY))


# The app's own files (the service worker, the manifest, the icon) open without the second factor: the browser
# fetches them by itself on every page, the code step included, and a redirect would break the worker's update.
_OPEN_PATHS = ("/login/", "/logout/", "/static/", "/sw.js", "/manifest.webmanifest", "/favicon.ico")


class TwoFactorMiddleware:
    """A logged-in session of a user who must use two factors, not verified, is logged out and sent to
    the code step (pending). No query: must_use() reads the user row already loaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and must_use(user) and not is_verified(request):
            logout(request)
            request.session[PENDING_KEY] = user.pk
            if not request.path.startswith("/api/") and not request.path.startswith(_OPEN_PATHS):
                return redirect("web:otp_enrol" if not is_enrolled(user) else "web:otp_verify")
        return self.get_response(request)
