"""Periodic sweeps of core, run by `gridgov worker` (core/jobs.py)."""

from django.utils import timezone

from .idempotency import lifetime
from .jobs import periodic
from .models import IdempotencyKey


@periodic("core.idempotency_keys")
def sweep_idempotency_keys(now=None) -> int:
    """Deletes stored Idempotency-Key answers older than GRIDGOV_IDEMPOTENCY_HOURS."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=(now or timezone.now()) - lifetime()).delete()
    return deleted
