"""`gridgov rebuild_case_figures` restores the daily figures after cases changed behind the actions' back."""

import datetime
import io

from django.core.management import call_command

from gridgov.cases import queries
from gridgov.cases.models import Case, CaseDay


def test_the_command_recomputes_figures_lost_to_a_bulk_change(personas, cfg, report, drive):
    drive(report(), "closed")
    CaseDay.objects.all().delete()  # as after a COPY or a restore that skipped the table
    monday = datetime.date(2026, 3, 2)
    assert queries.figures_under("", monday, monday)["closed"] == 0
    out = io.StringIO()
    call_command("rebuild_case_figures", stdout=out)
    assert "1" in out.getvalue()
    assert queries.figures_under("", monday, monday) == queries.stats(Case.objects.all(), monday, monday)
    assert queries.figures_under("", monday, monday)["closed"] == 1
