"""The JSON API under /api/v1/: authentication, error shape, and the routers of each app."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from gridgov.org.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        digest = hashlib.sha256(token.encode()).hexdigest()
        found = ApiToken.objects.select_related("user").filter(key_hash=digest, expires_at__gt=timezone.now()).first()
        if found is None or not found.user.is_active:
            return None
        if found.last_used_at is None or timezone.now() - found.last_used_at > datetime.timedelta(minutes=5):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="gridgov API",
    version="1",
    description="党建引领基层治理 gridgov: grids, households, people. Send `Authorization: Bearer <token>` "
    "obtained from POST /api/v1/auth/token.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    # Field-level messages: [{"field": "lat", "message": "..."}], plus ninja's raw detail.
    fields = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "form")]
        fields.append({"field": ".".join(loc), "message": error.get("msg", "")})
    return api.create_response(request, {"detail": _("Invalid input."), "errors": fields}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


class ErrorOut(Schema):
    detail: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut}, tags=["auth"])
def obtain_token(request, credentials: TokenIn):
    """Exchange a username and password for a bearer token (locked accounts are refused)."""
    from gridgov.org.auth import authenticate_or_reason

    user, reason = authenticate_or_reason(request, credentials.username, credentials.password)
    if user is None:
        return 401, {"detail": reason}
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    ApiToken.objects.create(user=user, key_hash=hashlib.sha256(token.encode()).hexdigest(), expires_at=expires)
    return 200, {"token": token, "expires_at": expires}


from gridgov.org.api import router as org_router  # noqa: E402  routers register after the api object exists

api.add_router("/", org_router)
