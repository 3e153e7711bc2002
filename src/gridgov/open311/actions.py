"""Every write of the Open311 adapter: issuing and revoking API keys, counting a key's requests,
submitting a service request (a case through gridgov.cases.actions.do_report) and defining the extra
fields of a service. Each runs in a transaction and writes an audit row; no key or contact data goes
into the audit log.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gridgov.cases import actions as case_actions
from gridgov.cases.models import Case, Category
from gridgov.core import audit, clock, crypto
from gridgov.core.scoping import CHANGE, can, restrict
from gridgov.org.models import Region

from . import conf
from .models import AddressWindow, ApiKey, Open311Request, PublicService, RateWindow, ServiceAttribute

KEY_PREFIX = "o311_"


class Open311ActionError(Exception):
    """A refused key or configuration change, with a translated message and an HTTP-like status."""

    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def find_key(key: str) -> ApiKey | None:
    """The active key with this secret, or None (unknown and revoked keys look the same)."""
    key = (key or "").strip()
    if not key:
        return None
    return ApiKey.objects.filter(key_hash=hash_key(key), revoked_at__isnull=True).select_related("town").first()


# --- keys -------------------------------------------------------------------------------------------

@transaction.atomic
def do_issue_key(actor, name: str, town: Region | None = None) -> tuple[ApiKey, str]:
    """A new key for the client `name`, valid for `town` (None: every town; only the system may issue
    those). Returns the key row and the secret, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise Open311ActionError(_("Give the client a name."))
    if len(name) > 100:
        raise Open311ActionError(_("Keep the name under %(n)d characters.") % {"n": 100})
    if town is not None and town.level != Region.Level.TOWN:
        raise Open311ActionError(_("A key is issued for a town."))
    if actor is not None:
        if not can(actor, CHANGE, "open311_key"):
            raise Open311ActionError(_("Only town administrators issue Open311 keys."), status=403)
        if town is None and not actor.is_superuser:
            raise Open311ActionError(_("Choose the town the key is for."))
        if town is not None and not restrict(actor, CHANGE, Region.objects.filter(pk=town.pk)).exists():
            raise Open311ActionError(_("You may issue keys only for your own town."), status=403)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(name=name, prefix=secret[:12], key_hash=hash_key(secret), town=town,
                                path=town.path if town is not None else "", created_by=actor)
    audit.record("open311.key_issue", key, None, audit.snapshot(key), actor=actor)
    return key, secret


@transaction.atomic
def do_revoke_key(actor, key: ApiKey | int) -> ApiKey:
    """Revoke a key at once: its next request answers 403. Revoking twice changes nothing."""
    pk = key.pk if isinstance(key, ApiKey) else key
    rows = ApiKey.objects.filter(pk=pk)
    if actor is not None:
        rows = restrict(actor, CHANGE, rows)
    key = rows.select_for_update().first()
    if key is None:
        raise Open311ActionError(_("No such key."), status=404)
    if key.revoked_at is not None:
        return key
    before = audit.snapshot(key)
    key.revoked_at, key.revoked_by = clock.now(), actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit.record("open311.key_revoke", key, *audit.diff(before, audit.snapshot(key)), actor=actor)
    return key


def window_start(now: datetime.datetime, seconds: int) -> datetime.datetime:
    epoch = int(now.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % seconds, tz=datetime.UTC)


def count_request(key: ApiKey, now: datetime.datetime | None = None) -> int | None:
    """Count one request of `key` in the current fixed window. Returns None when it is allowed, else
    the seconds until the window ends. The counter is a database row, so every web process shares it."""
    limit = conf.get_int("GRIDGOV_OPEN311_RATE_LIMIT")
    now = now or clock.now()
    if limit <= 0:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return None
    wait = _count(RateWindow, {"key": key}, limit, now)
    if wait is None:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return wait


def _count(model, who: dict, limit: int, now: datetime.datetime) -> int | None:
    """Add one to the counter row of `who` in the current window; None while within `limit`, else
    the seconds until the window ends."""
    seconds = max(conf.get_int("GRIDGOV_OPEN311_RATE_WINDOW_SECONDS"), 1)
    start = window_start(now, seconds)
    with transaction.atomic():
        rows = model.objects.filter(**who, start=start)
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    model.objects.create(**who, start=start, count=1)
            except IntegrityError:  # another process opened the window first
                rows.update(count=F("count") + 1)
        count = rows.values_list("count", flat=True).first()
    if count <= limit:
        return None
    return max(int((start + datetime.timedelta(seconds=seconds) - now).total_seconds()), 1)


def count_address(address: str, now: datetime.datetime | None = None) -> int | None:
    """Count one keyless request from a client address (see views.client_address) against
    GRIDGOV_OPEN311_KEYLESS_RATE_LIMIT, like count_request counts a key's: a database row, so every
    web process shares the counter. One statement (an upsert returning the count; PostgreSQL and
    SQLite 3.35+ both speak it), since an anonymous flood is what it is for."""
    limit = conf.get_int("GRIDGOV_OPEN311_KEYLESS_RATE_LIMIT")
    if limit <= 0:
        return None
    now = now or clock.now()
    seconds = max(conf.get_int("GRIDGOV_OPEN311_RATE_WINDOW_SECONDS"), 1)
    start = window_start(now, seconds)
    table, address_, start_, count_ = (connection.ops.quote_name(name) for name in (
        AddressWindow._meta.db_table, "address", "start", "count"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({address_}, {start_}, {count_}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({address_}, {start_}) DO UPDATE SET {count_} = {table}.{count_} + 1 RETURNING {count_}",
            [address[:64], connection.ops.adapt_datetimefield_value(start)])
        count = cursor.fetchone()[0]
    if count <= limit:
        return None
    return max(int((start + datetime.timedelta(seconds=seconds) - now).total_seconds()), 1)


def forget_rate_windows(now: datetime.datetime | None = None) -> int:
    """Delete the counters of windows that ended more than an hour ago (the worker's sweep)."""
    now = now or clock.now()
    seconds = max(conf.get_int("GRIDGOV_OPEN311_RATE_WINDOW_SECONDS"), 1)
    cutoff = now - datetime.timedelta(seconds=seconds) - datetime.timedelta(hours=1)
    deleted, _rows = RateWindow.objects.filter(start__lt=cutoff).delete()
    by_address, _rows = AddressWindow.objects.filter(start__lt=cutoff).delete()
    return deleted + by_address


# --- what a town publishes ------------------------------------------------------------------------

@transaction.atomic
def do_set_public_services(actor, town: Region, categories) -> list[Category]:
    """Make exactly `categories` (subcategories) the services whose requests `town` publishes through
    keyless GET; every other category of the town is private. One audit row names what changed."""
    if town.level != Region.Level.TOWN:
        raise Open311ActionError(_("A town chooses what it publishes."))
    if actor is not None and not restrict(actor, CHANGE, Region.objects.filter(pk=town.pk)).exists():
        raise Open311ActionError(_("You may choose only for your own town."), status=403)
    if actor is not None and not can(actor, CHANGE, "open311_key"):
        raise Open311ActionError(_("Only town administrators choose what Open311 publishes."), status=403)
    wanted = {c.pk: c for c in categories}
    if any(c.level != 2 for c in wanted.values()):
        raise Open311ActionError(_("Choose services, that is subcategories."))
    current = set(PublicService.objects.select_for_update().filter(town=town).values_list("category_id", flat=True))
    added, removed = sorted(set(wanted) - current), sorted(current - set(wanted))
    if removed:
        PublicService.objects.filter(town=town, category_id__in=removed).delete()
    PublicService.objects.bulk_create([PublicService(town=town, category_id=pk, path=town.path, published_by=actor,
                                                     published_at=clock.now()) for pk in added])
    if added or removed:
        codes = dict(Category.objects.filter(pk__in=added + removed).values_list("pk", "code"))
        audit.record("open311.public_services", town, None,
                     {"published": [codes[pk] for pk in added], "withdrawn": [codes[pk] for pk in removed]},
                     actor=actor)
    return list(wanted.values())


def publish_defaults(town: Region, actor=None) -> list[Category]:
    """Publish every active service outside the sensitive families (queries.is_sensitive) for a town
    that has chosen nothing yet (the demo, a new installation's first step); a town that has chosen
    keeps its choice."""
    from .queries import is_sensitive

    if PublicService.objects.filter(town=town).exists():
        return []
    chosen = [c for c in Category.objects.filter(level=2, is_active=True).select_related("parent")
              if not is_sensitive(c)]
    return do_set_public_services(actor, town, chosen)


# --- service requests ----------------------------------------------------------------------------

def _blind(value: str) -> str:
    value = (value or "").strip()
    return crypto.blind_index(value) if value else ""


@transaction.atomic
def do_submit_request(key: ApiKey, category: Category, description: str, grid, lat=None, lng=None,
                      phone: str = "", email: str = "", name: str = "", device_id: str = "", account_id: str = "",
                      media_url: str = "", attributes: dict | None = None, place: str = "") -> Open311Request:
    """A case from an Open311 client, already validated and routed to `grid` by the caller: reported
    by the system on the channel open311 and linked to the key. Contact data is sealed; device and
    account ids are kept only as keyed hashes. `place`: the client's address_string, kept as the
    case's place whether or not it named the grid."""
    if key.revoked_at is not None:
        raise Open311ActionError(_("This API key was revoked."), status=403)
    case = case_actions.do_report(None, category, description, lat=lat, lng=lng, grid=grid, reporter_phone=phone,
                                  channel=Case.Channel.OPEN311, routed=True, source=f"Open311 · {key.name}",
                                  place=place)
    request = Open311Request(case=case, key=key, token=secrets.token_urlsafe(18), path=case.path,
                             media_url=media_url or "", attributes=attributes or {},
                             device_hash=_blind(device_id), account_hash=_blind(account_id),
                             created_at=case.created_at)
    request.email = email
    request.name = name
    request.save()
    audit.record("open311.request", request, None, {**audit.snapshot(request), "key": key.prefix}, actor=None)
    return request


# --- service definitions -------------------------------------------------------------------------

@transaction.atomic
def do_set_attribute(actor, category: Category, code: str, description: str, datatype: str = "string",
                     required: bool = False, values=None, order: int = 1, variable: bool = True,
                     datatype_description: str = "") -> ServiceAttribute:
    """Create or change an extra field of a service (a subcategory)."""
    if actor is not None and not can(actor, CHANGE, "case_config"):
        raise Open311ActionError(_("You may not change the case configuration."), status=403)
    code = (code or "").strip()
    if not code or len(code) > 50 or "[" in code or "]" in code:
        raise Open311ActionError(_("An attribute code is 1 to 50 characters without brackets."))
    if category.level != 2:
        raise Open311ActionError(_("Attributes belong to a subcategory."))
    if datatype not in ServiceAttribute.Datatype.values:
        raise Open311ActionError(_("Unknown datatype %(datatype)s.") % {"datatype": datatype})
    values = [{"key": str(v["key"]), "name": str(v["name"])} for v in (values or [])]
    if datatype in (ServiceAttribute.Datatype.SINGLE, ServiceAttribute.Datatype.MULTI) and not values:
        raise Open311ActionError(_("A list attribute needs its values."))
    attribute = ServiceAttribute.objects.filter(category=category, code=code).first()
    before = audit.snapshot(attribute) if attribute else None
    attribute = attribute or ServiceAttribute(category=category, code=code)
    attribute.description, attribute.datatype, attribute.required = description, datatype, bool(required)
    attribute.values, attribute.order, attribute.variable = values, int(order), bool(variable)
    attribute.datatype_description = datatype_description
    attribute.save()
    if before is None:
        audit.record("open311.attribute_create", attribute, None, audit.snapshot(attribute), actor=actor)
    else:
        audit.record("open311.attribute_update", attribute, *audit.diff(before, audit.snapshot(attribute)),
                     actor=actor)
    return attribute


@transaction.atomic
def do_remove_attribute(actor, attribute: ServiceAttribute) -> None:
    """Remove an extra field of a service; requests that answered it keep their answers."""
    if actor is not None and not can(actor, CHANGE, "case_config"):
        raise Open311ActionError(_("You may not change the case configuration."), status=403)
    audit.record("open311.attribute_remove", attribute, audit.snapshot(attribute), None, actor=actor)
    attribute.delete()
