from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock


class AuditImmutable(RuntimeError):
    """An audit row is written once and never changed or removed (issue 17, separation of duties)."""


class AuditQuerySet(models.QuerySet):
    """No bulk update or delete of audit rows through the ORM; the retention purge (`gridgov audit_purge`,
    core/retention.py) is the one way rows go, and the database's triggers refuse any other."""

    def update(self, **kwargs):
        raise AuditImmutable("audit rows cannot be changed")

    def delete(self):
        raise AuditImmutable("audit rows cannot be deleted")

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    """One write to the system: who, when, what, the values before and after, and the request.

    Append-only, for everyone including the system administrator: save() of an existing row, delete()
    and the QuerySet's update()/delete() raise AuditImmutable, and triggers (migration
    0006_audit_append_only) refuse UPDATE and DELETE in the database itself — except setting actor to
    NULL when an account is deleted (actor_name keeps the name) and the purge of rows older than
    GRIDGOV_AUDIT_KEEP_DAYS."""

    # The clock's time, which is the real time except in the demo's replayed history, where the log must
    # read in the order of the story it tells (a quarter's assessment published in October, not today).
    time = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The org path of the object, so audit browsing is scoped like everything else.
    path = models.CharField(max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    # Not indexed: no page or query looks rows up by it, and request ids are random, so each row's entry
    # landed on a random page of a large index — with its varchar_pattern_ops twin, two full-page images in
    # the WAL per audited write after every checkpoint, most of a report's WAL (issue 18). To find one
    # request's rows, bound the time too (indexed): they are written within the request.
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # A bulk row (audit.record_runs, imports) covers the objects with ids first..last, all of them, at
    # one path; before/after then map each id to its values. Empty for a row about one object.
    first_object_id = models.BigIntegerField(null=True, blank=True)
    last_object_id = models.BigIntegerField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["object_type", "first_object_id", "last_object_id"],
                                name="core_audit_object_run")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutable("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("audit rows cannot be deleted")


class Job(models.Model):
    """A piece of background work (an import, later deadlines) that the worker process picks up."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"


class DataKeyCheck(models.Model):
    """The fingerprint of the personal-data key (GRIDGOV_DATA_KEY) this database's data are encrypted
    under: an HMAC of a fixed label under a key derived from it, which tells keys apart and reveals
    nothing of them. Written once, at the first migrate or the first encryption (core.crypto); the start
    check refuses any other key, so a lost or mistyped key never writes data under a second key."""

    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("data key fingerprint")

    def __str__(self):
        return self.fingerprint[:12]


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` sent with an API POST (core/idempotency.py): inserted, in its own
    transaction, before the view runs, so a second request with the same key by the same caller meets
    the unique constraint instead of creating a second time; then holds the first answer to replay."""

    scope = models.CharField(max_length=40)  # "user:<id>" or "token:<id>": whose key it is
    key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    done = models.BooleanField(default=False)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)  # the answer, encrypted with the data key (it may name people)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_scope_key")]
