"""The second factor's pages (org/twofactor.py): the code step after the password, enrolment (QR, secret,
first code, recovery codes shown once) and one's own two-factor page, where an administrator also resets
another account's second factor."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.core.redirects import safe_next
from gridgov.org import twofactor
from gridgov.org.models import User


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def redirect_with_next(name: str, next_url: str):
    url = reverse(name)
    return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The code step: the authenticator's 6 digits or a recovery code; each try counts like a password."""
    user = twofactor.pending_user(request)
    next_url = safe_next(request)
    if user is None or (request.user.is_authenticated and twofactor.is_verified(request)):
        return redirect(next_url or "web:login")
    if not twofactor.is_enrolled(user):
        return redirect_with_next("web:otp_enrol", next_url)
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        device, error = twofactor.check_code(user, form.cleaned_data["code"])
        if device is not None:
            twofactor.finish(request, user, device)
            return redirect(next_url or "web:home")
    return render(request, "web/otp_verify.html", {"form": form, "error": error, "next": next_url},
                  status=401 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Scan the QR (or type the secret), confirm with a first code, then see 10 recovery codes once."""
    user = twofactor.pending_user(request)
    next_url = safe_next(request)
    if user is None:
        return redirect("web:login")
    if twofactor.is_enrolled(user):
        return redirect("web:two_factor" if request.user.is_authenticated else "web:otp_verify")
    device = twofactor.start_enrolment(user)
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(user, device, form.cleaned_data["code"])
        if codes is not None:
            twofactor.finish(request, user, device)
            return render(request, "web/otp_codes.html", {"codes": codes, "next": next_url or reverse("web:home")})
        error = _("Wrong or expired verification code.")
    return render(request, "web/otp_enrol.html", {
        "form": form, "error": error, "next": next_url, "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device)}, status=400 if error else 200)


@never_cache
@login_required
def two_factor(request):
    user = request.user
    return render(request, "web/two_factor.html", {
        "enrolled": twofactor.is_enrolled(user), "required": twofactor.must_use(user),
        "left": twofactor.recovery_left(user), "may_reset": user.is_superuser or user.role == "town_admin"})


@login_required
@require_POST
def new_recovery_codes(request):
    if not twofactor.is_enrolled(request.user):
        return redirect("web:two_factor")
    codes = twofactor.do_new_recovery_codes(request.user)
    return render(request, "web/otp_codes.html", {"codes": codes, "next": reverse("web:two_factor")})


@login_required
@require_POST
def remove(request):
    """One's own second factor: removable only when the rule does not oblige it (then a reset, by an admin)."""
    if twofactor.must_use(request.user):
        messages.error(request, _("Your account must use two factors; an administrator can reset it."))
    else:
        twofactor.do_reset(request.user, request.user, reason="own")
        request.session.pop(twofactor.SESSION_KEY, None)
        messages.success(request, _("The second factor has been removed."))
    return redirect("web:two_factor")


@login_required
@require_POST
def reset_other(request):
    """An administrator resets another account's second factor (in scope); the account enrols anew."""
    target = User.objects.filter(username=request.POST.get("username", "").strip()).first()
    try:
        if target is None or target.pk == request.user.pk:
            raise twofactor.TwoFactorError(_("No such account."))
        twofactor.do_reset(request.user, target)
    except twofactor.TwoFactorError as exc:
        # An account out of scope answers like one that does not exist.
        messages.error(request, _("No such account.") if target is not None else str(exc))
    else:
        messages.success(request, _("The second factor of %(name)s has been reset.") % {"name": target.username})
    return redirect("web:two_factor")
