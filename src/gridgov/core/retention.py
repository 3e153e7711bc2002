"""The audit log's retention: rows are kept at least GRIDGOV_AUDIT_KEEP_DAYS (≥ 180 days, 等保2.0's six
months); `gridgov audit_purge --before YYYY-MM-DD` removes older ones, the only way audit rows go.

The table's triggers (migration 0006) refuse DELETE unless core_audit_purge_permit, in the same
transaction, holds a date after the row's time: the purge writes that permit, deletes, removes the
permit and records one audit row saying what went."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, clock
from .models import AuditEntry


class RetentionError(ValueError):
    pass


def earliest_allowed(today: datetime.date | None = None) -> datetime.date:
    """The latest --before date allowed: rows younger than the keep days stay."""
    today = today or timezone.localdate(clock.now())
    return today - datetime.timedelta(days=max(180, settings.AUDIT_KEEP_DAYS))


@transaction.atomic
def purge(before: datetime.date, actor=None) -> int:
    limit = earliest_allowed()
    if before > limit:
        raise RetentionError(_("Audit rows are kept %(days)d days: the date must be %(limit)s or earlier.")
                             % {"days": max(180, settings.AUDIT_KEEP_DAYS), "limit": limit.isoformat()})
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_audit_purge_permit (before) VALUES (%s)", [adapt(cutoff)])
        cursor.execute(f'DELETE FROM {table} WHERE "time" < %s', [adapt(cutoff)])
        deleted = cursor.rowcount
        cursor.execute("DELETE FROM core_audit_purge_permit")
    audit.record("audit.purge", "system", None, {"before": before.isoformat(), "deleted": deleted,
                                                 "keep_days": max(180, settings.AUDIT_KEEP_DAYS)}, actor=actor)
    return deleted
