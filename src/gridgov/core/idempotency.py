"""`Idempotency-Key` on the JSON API's POSTs: a retried POST creates nothing twice.

A client sends `Idempotency-Key: <uuid or up to 64 of A-Z a-z 0-9 . _ : ->` with a POST under /api/v1/.
Before the view runs, a row (caller, key) is inserted in its own transaction; the unique constraint on
it is what holds when two requests with the same key arrive at once, on any number of processes:

- the first answer (status, body, content type) of a success (2xx) is stored, encrypted with the data
  key, for GRIDGOV_IDEMPOTENCY_HOURS (24); a repeat with the same method, path and body answers it
  again with `Idempotent-Replayed: true` and runs nothing;
- the same key with another body or path answers 422;
- a repeat while the first is still running answers 409 (the client retries later);
- an answer that is not a success is not kept (nothing was created; the key may be used again), and a
  reservation older than RUNNING_STALE whose request never finished (a killed process) is taken over.

A middleware, not a wrapper in each endpoint: it covers every creating POST of every router, including
those added later, and stores the answer as it went out (after ninja's error handlers). It resolves
the caller itself (the session's user, or the bearer token's row; a request with neither passes through
to be refused by the API's authentication). Answers that carry secrets are never stored: the token from
/auth/token and revealed phone or ID numbers. The sweep in core/worker.py deletes expired rows.
"""

import datetime
import hashlib
import re
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import crypto
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
RUNNING_STALE = datetime.timedelta(minutes=10)
_SAFE_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_COVERED = re.compile(r"^/api/v1/")
_NEVER_STORED = re.compile(r"^/api/v1/auth/|/reveal(_phone)?/?$")


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "IDEMPOTENCY_HOURS", 24))


def _caller(request) -> str | None:
    """Whose key it is: the bearer token (each API key its own keys) or the session's user."""
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        from gridgov.org.models import ApiToken

        digest = hashlib.sha256(auth[7:].strip().encode()).hexdigest()
        token_id = ApiToken.objects.filter(key_hash=digest).values_list("pk", flat=True).first()
        return f"token:{token_id}" if token_id else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        # A browser draws a new boundary for each try: compare the fields and the files' contents.
        for name, value in sorted(request.POST.lists()):
            digest.update(repr((name, value)).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(name.encode() + b"\0" + (upload.name or "").encode() + b"\0")
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _refusal(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _reserve(scope: str, key: str, fingerprint: str):
    """(row, None) when this request runs the view, or (None, the answer to give instead)."""
    for _attempt in range(2):
        now = timezone.now()
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=fingerprint,
                                                     created_at=now), None
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is None:
            continue  # released or swept in between: try to reserve again
        if row.created_at < now - lifetime():
            IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
            continue
        if row.fingerprint != fingerprint:
            return None, _refusal(422, _(
                "This Idempotency-Key was already used for a different request: send a new "
                "Idempotency-Key header for new content."))
        if row.done:
            answer = HttpResponse(crypto.decrypt(row.body), status=row.status, content_type=row.content_type)
            answer[REPLAYED] = "true"
            return None, answer
        if row.created_at < now - RUNNING_STALE and IdempotencyKey.objects.filter(
                pk=row.pk, done=False, created_at=row.created_at).update(created_at=now):
            row.created_at = now
            return row, None  # its request died without an answer: this one takes the key over
        break
    return None, _refusal(409, _(
        "A request with this Idempotency-Key is still being processed: wait for its answer, then "
        "send the same request again with the same Idempotency-Key header."))


def _settle(row: IdempotencyKey, response) -> None:
    keep = 200 <= response.status_code < 300 and not response.streaming
    if keep:
        try:
            text = response.content.decode()
        except UnicodeDecodeError:
            keep = False
    if not keep:
        IdempotencyKey.objects.filter(pk=row.pk).delete()
        return
    IdempotencyKey.objects.filter(pk=row.pk).update(
        done=True, status=response.status_code, content_type=response.get("Content-Type", "")[:100],
        body=crypto.encrypt(text))


class IdempotencyMiddleware:
    """See the module docstring. After the authentication middleware (it needs the session's user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if (key is None or request.method != "POST" or not _COVERED.match(request.path)
                or _NEVER_STORED.search(request.path)):
            return self.get_response(request)
        if not _SAFE_KEY.match(key):
            return _refusal(400, _(
                "The Idempotency-Key header must be a UUID or up to 64 letters, digits, '.', '_', ':' or '-'."))
        scope = _caller(request)
        if scope is None:
            return self.get_response(request)  # the API's authentication refuses it
        row, answer = _reserve(scope, key, _fingerprint(request))
        if answer is not None:
            return answer
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyKey.objects.filter(pk=row.pk).delete()
            raise
        _settle(row, response)
        return response


def parse_client_id(value, error: type[Exception], status: int = 400) -> uuid.UUID | None:
    """A record's own id as the phone's outbox sends it (a case, a contact, a check-in: issue 11): None when
    it sent none; anything but a UUID is refused with the calling app's `error(message, status=, field=)`."""
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise error(_("client_id must be a UUID."), status=status, field="client_id") from None
