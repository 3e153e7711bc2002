"""The JSON API under /api/v1/: authentication, error shape, docs, and the routers of each app.

Errors always answer {"detail": "..."}; invalid input (422) adds
{"errors": [{"field": "lat", "message": "...", "type": "missing"}]}. Messages follow the request's
language (Simplified Chinese unless Accept-Language asks for English).
"""

import datetime
import hashlib
import json
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpResponse
from django.http.request import RawPostDataException
from django.template import RequestContext, Template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer, django_auth

from gridgov.core import compiled, duties
from gridgov.core.context import actor_var
from gridgov.org.models import ApiToken


# With the account's person: a report (and every action's timeline) names the actor by it. Read on
# every request, so a revocation or a deactivation holds at once in every process; only the SQL is kept.
_TOKEN = compiled.OneRow(
    lambda key_hash: ApiToken.objects.select_related("user", "user__person").filter(key_hash=key_hash),
    key_hash="-- the token's hash --")


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; only the token's SHA-256 is stored; expired, idle and revoked
    tokens are refused."""

    def authenticate(self, request, token):
        from gridgov.org.actions import token_is_live

        digest = hashlib.sha256(token.encode()).hexdigest()
        found = _TOKEN.get(key_hash=digest)
        now = timezone.now()
        if found is None or not found.user.is_active or not token_is_live(found, now):
            return None
        request.api_token_id = found.pk
        if found.last_used_at is None or now - found.last_used_at > datetime.timedelta(minutes=5):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        if duties.refused(request, found.user):
            raise HttpError(403, duties.message())  # an auditor changes nothing (issue 17)
        request.user = found.user
        # The session middleware saw an anonymous request; audit rows written now belong to the token's user.
        actor_var.set(found.user)
        return found.user


_NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
_DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
}
_DOCS_PAGE = Template("""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="{{ assets }}swagger-ui.css"><link rel="icon" href="{{ assets }}favicon.svg">
</head><body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{{ settings|safe }}</script>
<div id="swagger-ui"></div>
<script src="{{ assets }}swagger-ui-bundle.js"></script><script src="{{ assets }}swagger-ui-init.js"></script>
</body></html>""")


class LocalSwagger(Swagger):
    """Swagger UI from the files shipped inside the django-ninja package: many deployments run on a
    closed network, so the docs page must not reach for a CDN."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        assets = request.path.rstrip("/").rsplit("/", 1)[0] + "/docs-assets/"
        context = {"title": api.title, "assets": assets, "settings": json.dumps(self.settings)}
        return HttpResponse(_DOCS_PAGE.render(RequestContext(request, context)))


api = NinjaAPI(
    title="gridgov API",
    version="1",
    description=(
        "党建引领基层治理 gridgov: regions, grids, households, people.\n\n"
        "Authenticate with `POST /api/v1/auth/token` (`{\"username\", \"password\"}` → `{\"token\"}`) and send "
        "`Authorization: Bearer <token>`. A logged-in browser session works too, with its CSRF token on writes.\n\n"
        "Every list answers `{\"items\": [...], \"count\": N}` (a ranking adds its window beside them), 50 "
        "items a page, and takes `?page=` (from 1; a page past the end answers an empty `items` with the true "
        "`count`) and `?page_size=` (at most 100). `scope=` takes a region code (12 digits, 14 for a villager "
        "group) or a grid code (15 digits) alike: a town or village grid names the same area as its region. "
        "Objects outside the caller's scope answer 404 exactly like objects that do not exist. Invalid input "
        "answers 422 with field-level messages in `errors`; a body that is not JSON answers 400. Messages are "
        "in Simplified Chinese unless `Accept-Language: en` asks for English."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs=LocalSwagger(settings={"validatorUrl": None}),  # no call to the online validator either
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _field_message(error: dict) -> str:
    """A pydantic error as a sentence for people. The msgids are Django's own where one fits, so
    they are already translated before our catalogue is."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": ctx.get("le", ctx.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge", ctx.get("gt"))}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "finite_number"):
        return _("Enter a number.")
    if kind in ("string_too_long",):
        limit, given = ctx.get("max_length", 0), len(str(error.get("input", "")))
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": given}
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": error.get("input", "")}
    if kind.startswith("date"):
        return _("Enter a valid date.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _("Enter a valid value.")


def _field_name(loc) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        # ninja nests a body under its parameter name ("credentials"); callers know only the field names.
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    fields = [
        {"field": _field_name(error.get("loc", [])), "message": _field_message(error), "type": error.get("type", "")}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": _("Invalid input."), "errors": fields}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    response = api.create_response(request, {"detail": _("Authentication required.")}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="gridgov"'
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(RawPostDataException)
def form_body_on_a_json_operation(request, exc):
    """A form (multipart) body sent to an operation that reads JSON: the guards have read the form already,
    so its raw bytes are gone; the client is told what to send instead of getting a 500."""
    return api.create_response(request, {"detail": _("Send this request's body as JSON "
                                                     "(Content-Type: application/json).")}, status=400)


_NINJA_MESSAGES = {
    "Cannot parse request body": lambda: _("The request body is not valid JSON."),
    "CSRF check Failed": lambda: _("CSRF check failed: send the CSRF token, or use a bearer token."),
}


@api.exception_handler(HttpError)
def http_error(request, exc):
    message = str(exc)
    message = _NINJA_MESSAGES[message]() if message in _NINJA_MESSAGES else message
    return api.create_response(request, {"detail": message}, status=exc.status_code)


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(None, description="the 6-digit code of the authenticator app, or a recovery code: "
                                               "needed by accounts with two factors (else 401 saying so)")


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


class ErrorOut(Schema):
    detail: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut}, tags=["auth"])
def obtain_token(request, credentials: TokenIn):
    """Exchange a username and password for a bearer token. Wrong credentials and locked accounts
    (5 failed attempts lock an account for 30 minutes, shared with the web login) answer 401. An account
    with two factors also sends "otp", the authenticator code or a recovery code; wrong codes count as failures."""
    from gridgov.org.actions import do_issue_api_token
    from gridgov.org import twofactor
    from gridgov.org.auth import authenticate_or_reason

    user, reason = authenticate_or_reason(request, credentials.username, credentials.password)
    if user is None:
        return Status(401, {"detail": reason})
    if twofactor.needs_code(user):
        if not twofactor.is_enrolled(user):
            return Status(401, {"detail": _("This account must use two factors: enrol an authenticator app "
                                            "on the web first.")})
        if not credentials.otp:
            return Status(401, {"detail": _("A verification code is needed: send the authenticator app's code "
                                            "in the field otp.")})
        # This request's attempt was counted with its password; a right code ends the count.
        device, reason = twofactor.check_code(user, credentials.otp, counted=False)
        if device is None:
            return Status(401, {"detail": reason})
    token, expires = do_issue_api_token(user, label=request.headers.get("User-Agent", ""))
    return Status(200, {"token": token, "expires_at": expires})


class TokenInfoOut(Schema):
    id: int
    label: str = Field(..., description="the User-Agent of the client that asked for it")
    created_at: datetime.datetime
    expires_at: datetime.datetime
    last_used_at: datetime.datetime | None
    current: bool = Field(..., description="the token this request is made with")


@api.get("/auth/tokens", response=list[TokenInfoOut], tags=["auth"])
@paginate(PageNumberPagination)
def list_tokens(request):
    """One's own API tokens that are still live (a revoked, expired or idle token is gone)."""
    from gridgov.org.actions import token_is_live

    current = getattr(request, "api_token_id", None)
    return [{"id": t.pk, "label": t.label, "created_at": t.created_at, "expires_at": t.expires_at,
             "last_used_at": t.last_used_at, "current": t.pk == current}
            for t in ApiToken.objects.filter(user=request.user).order_by("-created_at") if token_is_live(t)]


@api.delete("/auth/tokens/{token_id}", response={204: None, 404: ErrorOut}, tags=["auth"])
def revoke_token(request, token_id: int):
    """End one of one's own tokens at once (another user's token: 404)."""
    from gridgov.org.actions import do_revoke_api_tokens

    if not do_revoke_api_tokens(request.user, request.user, token_id):
        raise Http404
    return Status(204, None)


@api.get("/docs-assets/{name}", auth=None, include_in_schema=False)
def docs_asset(request, name: str):
    if name not in _DOCS_ASSETS:
        raise Http404
    response = FileResponse(open(_NINJA_STATIC / name, "rb"), content_type=_DOCS_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


from gridgov.org.api import router as org_router  # noqa: E402  routers register after the api object exists

api.add_router("/", org_router)
api.add_router("/", "gridgov.cases.api.router")  # its paths: /cases..., /notifications
api.add_router("/", "gridgov.points.api.router")  # /points/..., /shop/...
api.add_router("/", "gridgov.stars.api.router")  # /stars/...
api.add_router("/", "gridgov.links.api.router")  # /links..., /contacts...
api.add_router("/", "gridgov.patrols.api.router")  # /patrols...
api.add_router("/", "gridgov.meetings.api.router")  # /party/meetings..., /party/compliance
api.add_router("/", "gridgov.tasks.api.router")  # /tasks...
api.add_router("/", "gridgov.volunteers.api.router")  # /volunteers/...
api.add_router("/", "gridgov.honours.api.router")  # /honours...
api.add_router("/", "gridgov.services.api.router")  # /services/...
api.add_router("/", "gridgov.disputes.api.router")  # /disputes...
api.add_router("/", "gridgov.affairs.api.router")  # /affairs/...
