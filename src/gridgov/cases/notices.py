"""Notices without a case (a meeting missed, a task issued, a service application's step, a disclosure
overdue): the practice apps tell people through the case loop's inbox and delivery channels here, so
the same channels deliver everything and no app writes Notification or Outbox rows itself."""

from __future__ import annotations

from . import conf
from .models import Notification, Outbox


def send(user_ids, kind: str, text: str, now, data: dict | None = None, exclude=None) -> int:
    """An inbox row per user (each once) and an outbox row per configured delivery channel for each;
    `data` is kept on the notice and passed to the channels. Returns how many users were told."""
    skip = {exclude.pk} if exclude is not None and getattr(exclude, "pk", None) else set()
    ids = sorted(set(user_ids) - skip)
    if not ids:
        return 0
    data = dict(data or {})
    text = str(text)[:300]
    rows = Notification.objects.bulk_create([
        Notification(user_id=uid, case=None, kind=kind, text=text, data=data, created_at=now) for uid in ids])
    channels = conf.get_list("GRIDGOV_NOTIFY_CHANNELS")
    if channels:
        Outbox.objects.bulk_create([
            Outbox(channel=channel, recipient_id=row.user_id, notification=row, next_attempt_at=now, created_at=now,
                   payload={**data, "kind": kind, "text": row.text, "case": None, "case_id": None})
            for row in rows for channel in channels])
    return len(rows)
