"""A case accepted (so in the cohort of its day), escalated, then merged or rejected by the level above
ends outside every completion figure: the live aggregate (queries.cohort) and the daily rows
(rollup.contribution) both leave it out. Otherwise 结案率 would count a case nobody will ever close."""

import datetime

from gridgov.cases import actions, queries
from gridgov.cases.models import Case

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def test_a_case_accepted_escalated_then_merged_or_rejected_leaves_the_completion_rate(personas, report, drive):
    p = personas
    drive(report(description="巷口垃圾"), "closed")
    open_case = drive(report(description="井盖缺失"), "in_progress")
    merged, rejected = report(description="巷口垃圾又堆了"), report(description="邻居装修噪音")
    for case in (merged, rejected):
        actions.do_accept(p.worker_a1, case)
        actions.do_escalate(p.worker_a1, case, reason="需要村里协调")
    actions.do_merge(p.secretary_a, merged, open_case)
    actions.do_reject(p.secretary_a, rejected, reason="不属于受理范围")
    merged.refresh_from_db()
    rejected.refresh_from_db()
    assert (merged.state, rejected.state) == ("merged", "rejected")
    assert merged.accepted_at is not None and rejected.accepted_at is not None  # they were in the cohort once

    village = p.town.village_a.path
    live = queries.stats(Case.objects.filter(path__startswith=village), *MARCH)
    daily = queries.figures_under(village, *MARCH)
    for figures in (live, daily):
        assert (figures["reported"], figures["accepted"], figures["closed"], figures["completion_rate"]) == (4, 2, 1, 0.5)
