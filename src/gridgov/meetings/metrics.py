"""Five-star metric sources (gridgov.stars.metrics) of organisational life for a village:
meetings.compliance and meetings.attendance."""

import datetime
from urllib.parse import urlencode

from django.utils import timezone

from gridgov.core import clock

from . import periods, queries


def _figures(village, since: datetime.date, until: datetime.date) -> dict:
    today = timezone.localdate(clock.now())
    return queries.totals(queries.compliance(village.path, since, until, today))


def _link(village, since: datetime.date) -> str:
    return "/meetings/board/?" + urlencode({"scope": village.code, "period": periods.quarter_label(since)})


def compliance(village, since: datetime.date, until: datetime.date) -> dict:
    """Share of the meetings required of the village's branch and grid party groups in the period (slots
    ending in it and over) that were held and entered on time; None when none was due."""
    t = _figures(village, since, until)
    return {"value": t["on_time_share"], "score": t["on_time_share"],
            "records": {"kind": "meetings", "since": since.isoformat(), "until": until.isoformat(),
                        "required": t["required"], "held": t["held"], "late": t["late"], "missing": t["missing"],
                        "pending": t["pending"], "meetings": t["meetings"], "link": _link(village, since)}}


def attendance(village, since: datetime.date, until: datetime.date) -> dict:
    """Members present / members expected at the meetings of the village's organisations in the period
    (members away for work count only where the town says so); None without a meeting."""
    t = _figures(village, since, until)
    return {"value": t["attendance_rate"], "score": t["attendance_rate"],
            "records": {"kind": "meeting_attendance", "since": since.isoformat(), "until": until.isoformat(),
                        "present": t["present"], "expected": t["counted"], "meetings": t["meetings"],
                        "link": _link(village, since)}}
