"""URLconf of the benchmark server (bench_settings.py): every production URL, plus
POST /bench/bare — the yardstick of issue 18. It is a Django + django-ninja endpoint that parses a
small JSON body, inserts one row with the ORM and answers 201 with it, behind the same middleware, in
the same gunicorn workers, on the same database as POST /api/v1/cases. No authentication: it measures
what the framework and one INSERT cost, so the ratio of the two rates is what gridgov's own work
costs on top."""

import datetime

from django.db import models
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI, Schema, Status

from gridgov.urls import urlpatterns as production

# bench_intake.py creates the table itself (bench_intake.BARE_TABLE): the model is in no migration.
TABLE = "bench_bare_row"


class BareRow(models.Model):
    """One row per bare request; only on the benchmark database."""

    note = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        app_label = "core"
        db_table = TABLE
        managed = False


class BareIn(Schema):
    note: str


class BareOut(Schema):
    id: int
    note: str
    created_at: datetime.datetime


bare = NinjaAPI(title="benchmark", urls_namespace="bench", docs_url=None, openapi_url=None)


@bare.post("/bare", response={201: BareOut}, auth=None)
def bare_insert(request, body: BareIn):
    """Insert one row and answer it."""
    return Status(201, BareRow.objects.create(note=body.note[:200], created_at=timezone.now()))


urlpatterns = [path("bench/", bare.urls), *production]
