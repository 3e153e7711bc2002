"""Delivery channels for notifications, and the outbox delivery the worker runs.

A channel is an object with `send(recipient, message)`: `recipient` is a User, `message` a Message; it
returns nothing and raises on failure (ChannelError, or PermanentFailure when trying again cannot help,
e.g. the account has no phone). Channels are registered by name (`register`); the outbox rows written
by routing.notify name the channel of each delivery (setting GRIDGOV_NOTIFY_CHANNELS).

Built in: `log` (the default: one line on the `gridgov.notify` logger), `sms` (a JSON HTTP gateway)
and `wechat` (企业微信 application messages). The HTTP adapters take their endpoints and credentials from
settings or the environment and POST JSON with urllib; a deployment with another provider registers
its own class under the same name.

Nothing a channel logs or stores as an error carries a phone or an ID number: texts pass through
scrub(), and errors name the failure, never the recipient's number.

deliver_outbox(now) sends the due rows: it claims them with a lease (SELECT ... FOR UPDATE SKIP LOCKED
on PostgreSQL, then a conditional update of next_attempt_at), sends outside any transaction, then
marks each sent, or schedules the next attempt with exponential back-off, or gives up after
GRIDGOV_NOTIFY_MAX_ATTEMPTS. Two workers never hold the same row; a worker that dies while sending
leaves the row to be tried again when its lease ends (delivery is at least once, never twice by
two live workers).
"""

from __future__ import annotations

import abc
import datetime
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from gridgov.core import personal

from . import conf
from .models import Outbox

notify_log = logging.getLogger("gridgov.notify")
log = logging.getLogger(__name__)

class ChannelError(RuntimeError):
    """A delivery failed; it will be tried again later."""


class PermanentFailure(ChannelError):
    """A delivery that can never succeed (no phone, no such channel): given up at once."""


@dataclass(frozen=True)
class Message:
    """What a channel sends: the rendered text, what it is about, and the outbox row's id (`delivery`),
    which stays the same across retries so a gateway can drop a repeat."""

    text: str
    delivery: int | None = None
    kind: str = ""
    case_number: str = ""
    case_id: int | None = None
    data: dict = field(default_factory=dict)

    @classmethod
    def from_outbox(cls, row: Outbox) -> Message:
        payload = row.payload or {}
        return cls(text=payload.get("text", ""), delivery=row.pk, kind=payload.get("kind", ""),
                   case_number=payload.get("case") or "", case_id=payload.get("case_id"), data=payload)


_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
# Any other long number; 8 digits stay, so case numbers (20260302-000001) and dates read as they are.
_LONG_DIGITS = re.compile(r"(?<!\d)\d{9,}(?!\d)")


def scrub(text: str) -> str:
    """The text with ID numbers and phone numbers masked: what may go into a log."""
    text = _ID_NUMBER.sub(lambda m: personal.mask_id_number(m.group(0)), text or "")
    text = _MOBILE.sub(lambda m: personal.mask_phone(m.group(0)[-11:]), text)
    text = _LANDLINE.sub(lambda m: personal.mask_phone(m.group(0)), text)
    return _LONG_DIGITS.sub(lambda m: personal.mask_phone(m.group(0)), text)


class Channel(abc.ABC):
    """A way to reach a person. Subclasses implement send() and raise ChannelError on failure."""

    name = ""

    @abc.abstractmethod
    def send(self, recipient, message: Message) -> None:
        """Deliver the message or raise ChannelError (PermanentFailure when retrying cannot help)."""


class LogChannel(Channel):
    """Writes one line per notification to the `gridgov.notify` logger (no phones, no ID numbers)."""

    name = "log"

    def send(self, recipient, message: Message) -> None:
        notify_log.info("notify delivery=%s user=%s kind=%s case=%s: %s", message.delivery, recipient.username,
                        message.kind, message.case_number or "-", scrub(message.text))


def post_json(url: str, body: dict, headers: dict | None = None, timeout: float | None = None) -> dict:
    """POST `body` as JSON and return the JSON answer ({} for an empty one). Raises ChannelError on a
    network error, a non-2xx status or an answer that is not JSON; the message never quotes the body."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    return _open(request, timeout)


def get_json(url: str, timeout: float | None = None) -> dict:
    return _open(urllib.request.Request(url, method="GET"), timeout)


def _open(request: urllib.request.Request, timeout: float | None) -> dict:
    timeout = timeout or float(conf.get("GRIDGOV_NOTIFY_TIMEOUT_SECONDS"))
    host = urllib.parse.urlsplit(request.full_url).netloc
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured endpoint)
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"{host} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ChannelError(f"{host} unreachable: {type(reason).__name__}") from None
    if not raw.strip():
        return {}
    try:
        answer = json.loads(raw)
    except ValueError:
        raise ChannelError(f"{host} answered something that is not JSON") from None
    return answer if isinstance(answer, dict) else {"answer": answer}


class SmsChannel(Channel):
    """Text messages through an HTTP gateway: POST JSON {"id", "phone", "text", "sign"} to GRIDGOV_SMS_URL with
    a bearer token (GRIDGOV_SMS_TOKEN). A 2xx answer is success unless its JSON says "ok": false or
    gives a non-zero "code". The number is the recipient's person's phone."""

    name = "sms"

    def send(self, recipient, message: Message) -> None:
        url = conf.get("GRIDGOV_SMS_URL")
        if not url:
            raise PermanentFailure("GRIDGOV_SMS_URL is not set")
        person = getattr(recipient, "person", None)
        phone = person.phone if person is not None else ""
        if not phone:
            raise PermanentFailure("the account has no phone number")
        headers = {}
        if conf.get("GRIDGOV_SMS_TOKEN"):
            headers["Authorization"] = f"Bearer {conf.get('GRIDGOV_SMS_TOKEN')}"
        text = message.text
        if conf.get("GRIDGOV_SMS_SIGN"):
            text = f"【{conf.get('GRIDGOV_SMS_SIGN')}】{text}"
        answer = post_json(url, {"id": message.delivery, "phone": phone, "text": text,
                                 "sign": conf.get("GRIDGOV_SMS_SIGN")}, headers)
        if answer.get("ok") is False or answer.get("code") not in (None, 0, "0", "OK", "ok"):
            raise ChannelError(f"SMS gateway refused the message (code {answer.get('code')!s:.20})")


class WeChatWorkChannel(Channel):
    """企业微信 application text messages (message/send), the account's username as the 企业微信 userid.
    The access token (gettoken) is kept in memory until it expires or is refused."""

    name = "wechat"
    # errcodes that mean the token is no longer good: fetch a new one next time.
    TOKEN_ERRORS = {40014, 42001, 40001}

    def __init__(self):
        self._lock = threading.Lock()
        self._token = ""
        self._expires = 0.0

    def _base(self) -> str:
        return conf.get("GRIDGOV_WECHAT_URL").rstrip("/")

    def access_token(self) -> str:
        with self._lock:
            if self._token and time.monotonic() < self._expires:
                return self._token
            corp, secret = conf.get("GRIDGOV_WECHAT_CORP_ID"), conf.get("GRIDGOV_WECHAT_SECRET")
            if not corp or not secret:
                raise PermanentFailure("GRIDGOV_WECHAT_CORP_ID and GRIDGOV_WECHAT_SECRET are not set")
            query = urllib.parse.urlencode({"corpid": corp, "corpsecret": secret})
            answer = get_json(f"{self._base()}/cgi-bin/gettoken?{query}")
            if answer.get("errcode", 0) != 0 or not answer.get("access_token"):
                raise ChannelError(f"WeChat gettoken refused (errcode {answer.get('errcode')})")
            self._token = answer["access_token"]
            # Renewed a little before WeChat's own expiry.
            self._expires = time.monotonic() + max(int(answer.get("expires_in", 7200)) - 300, 60)
            return self._token

    def send(self, recipient, message: Message) -> None:
        token = self.access_token()
        body = {"touser": recipient.username, "msgtype": "text", "agentid": conf.get("GRIDGOV_WECHAT_AGENT_ID"),
                "text": {"content": message.text}}
        url = f"{self._base()}/cgi-bin/message/send?{urllib.parse.urlencode({'access_token': token})}"
        answer = post_json(url, body)
        errcode = answer.get("errcode", 0)
        if errcode in self.TOKEN_ERRORS:
            with self._lock:
                self._token = ""
        if errcode != 0:
            raise ChannelError(f"WeChat message/send refused (errcode {errcode})")
        if answer.get("invaliduser"):
            raise PermanentFailure("WeChat does not know this account")


REGISTRY: dict[str, Channel] = {}


def register(channel: Channel, name: str | None = None) -> Channel:
    """Make `channel` the one used for outbox rows of `name` (default: its own name)."""
    REGISTRY[name or channel.name] = channel
    return channel


def get(name: str) -> Channel:
    try:
        return REGISTRY[name]
    except KeyError:
        raise PermanentFailure(f"no delivery channel is called {name!r}") from None


register(LogChannel())
register(SmsChannel())
register(WeChatWorkChannel())


# --- the outbox ------------------------------------------------------------------------------------

def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2 x base, 4 x base ... up to the cap."""
    base = float(conf.get("GRIDGOV_NOTIFY_RETRY_SECONDS"))
    cap = float(conf.get("GRIDGOV_NOTIFY_RETRY_MAX_SECONDS"))
    return datetime.timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


def claim_due(now: datetime.datetime, limit: int | None = None) -> list[int]:
    """Take up to `limit` due pending rows for this worker: their next_attempt_at moves to the end of
    the lease and their attempts go up by one, in one short transaction. Returns their ids."""
    limit = limit or int(conf.get("GRIDGOV_NOTIFY_BATCH"))
    lease_end = now + datetime.timedelta(seconds=float(conf.get("GRIDGOV_NOTIFY_LEASE_SECONDS")))
    with transaction.atomic():
        due = Outbox.objects.filter(state=Outbox.Delivery.PENDING, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # Conditional, so a row another worker took in the meantime (SQLite has no SKIP LOCKED;
        # its IMMEDIATE transactions serialise this block anyway) is not taken twice.
        Outbox.objects.filter(pk__in=ids, state=Outbox.Delivery.PENDING, next_attempt_at__lte=now).update(
            next_attempt_at=lease_end, attempts=F("attempts") + 1)
        return list(Outbox.objects.filter(pk__in=ids, next_attempt_at=lease_end).values_list("pk", flat=True))


def deliver_outbox(now: datetime.datetime | None = None, limit: int | None = None) -> dict:
    """Send the due outbox rows (see the module docstring). Returns {"sent", "retry", "failed"}."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    ids = claim_due(now, limit)
    if not ids:
        return counts
    max_attempts = int(conf.get("GRIDGOV_NOTIFY_MAX_ATTEMPTS"))
    for row in Outbox.objects.filter(pk__in=ids).select_related("recipient__person").order_by("pk"):
        try:
            get(row.channel).send(row.recipient, Message.from_outbox(row))
        except Exception as exc:  # a channel failure is the row's business, not the worker's
            permanent = isinstance(exc, PermanentFailure) or row.attempts >= max_attempts
            error = str(exc) if isinstance(exc, ChannelError) else type(exc).__name__
            fields = {"last_error": scrub(error)[:500]}
            if permanent:
                fields["state"] = Outbox.Delivery.FAILED
                counts["failed"] += 1
                log.warning("outbox %s (%s) given up after %s attempt(s): %s", row.pk, row.channel, row.attempts,
                            fields["last_error"])
            else:
                fields["next_attempt_at"] = now + retry_delay(row.attempts)
                counts["retry"] += 1
            _finish(row, fields)
        else:
            _finish(row, {"state": Outbox.Delivery.SENT, "sent_at": timezone.now(), "last_error": ""})
            counts["sent"] += 1
    return counts


def _finish(row: Outbox, fields: dict) -> None:
    # Only while the row is still ours: pending, with the attempt count of our claim.
    Outbox.objects.filter(pk=row.pk, state=Outbox.Delivery.PENDING, attempts=row.attempts).update(**fields)

