"""The audit log: every write goes through record() or record_many()."""

import datetime
import decimal
import uuid

from django.db import models

from .context import current_actor, current_request_id
from .models import AuditEntry


def snapshot(obj, fields: list[str] | None = None) -> dict:
    """A JSON-safe dict of an object's audited fields.

    Models list what may appear in the log in `audit_fields`; sealed personal data is never
    among them, so the log holds no ID numbers or phones in clear.
    """
    names = fields or getattr(obj, "audit_fields", None) or [
        f.attname for f in obj._meta.concrete_fields if not f.attname.endswith(("_enc", "_hash"))
    ]
    data = {}
    for name in names:
        value = getattr(obj, name, None)
        if isinstance(value, models.Model):
            value = value.pk
        if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal, uuid.UUID)):
            value = str(value)
        data[name] = value
    return data


def _entry(action: str, obj, before, after, actor=None) -> AuditEntry:
    actor = actor if actor is not None else current_actor()
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=obj._meta.label_lower if isinstance(obj, models.Model) else str(obj),
        object_id=str(getattr(obj, "pk", "") or ""),
        object_repr=str(obj)[:200],
        # The object's org path (an account's is its scope), so browsing the log is scoped like everything else.
        path=getattr(obj, getattr(obj, "scope_path_field", "path"), "") or "",
        before=before,
        after=after,
        request_id=current_request_id(),
    )


def record(action: str, obj, before: dict | None = None, after: dict | None = None, actor=None) -> AuditEntry:
    entry = _entry(action, obj, before, after, actor)
    entry.save()
    return entry


def record_many(action: str, rows: list[tuple], actor=None, batch_size: int = 2000) -> None:
    """Bulk path for imports: rows of (obj, before, after)."""
    AuditEntry.objects.bulk_create(
        [_entry(action, obj, before, after, actor) for obj, before, after in rows], batch_size=batch_size
    )


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, so update rows stay readable."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}
