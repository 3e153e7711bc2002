"""Five-star metric sources (gridgov.stars.metrics): link coverage and the monthly contact rate of a village."""

import datetime

from django.utils.translation import gettext_lazy as _

from . import queries


def coverage(village, since: datetime.date, until: datetime.date) -> dict:
    """Households of the village with a link active on `until` / households (None without households)."""
    f = queries.figures(village.path, until, until, day=until)
    return {"value": f["coverage_rate"], "score": f["coverage_rate"],
            "records": {"kind": "links", "day": until.isoformat(), "households": f["households"],
                        "linked": f["linked"], "link": f"/links/coverage/?scope={village.code}"}}


def contact_rate(village, since: datetime.date, until: datetime.date) -> dict:
    """Household-months contacted / household-months linked, over each calendar month of the period
    (a month cut by the period counts its days inside it): a household linked in three months and
    contacted in two of them counts 2 of 3."""
    months, linked, contacted = [], 0, 0
    required = queries.required_contacts(village.path)
    for year, month in queries.months_between(since, until):
        first, last = queries.month_bounds(year, month)
        first, last = max(first, since), min(last, until)
        f = queries.figures(village.path, first, last, required=required)
        linked += f["linked_in_month"]
        contacted += f["contacted"]
        months.append({"month": f"{year:04d}-{month:02d}", "linked": f["linked_in_month"],
                       "contacted": f["contacted"]})
    value = round(contacted / linked, 4) if linked else None
    return {"value": value, "score": value,
            "records": {"kind": "contacts", "since": since.isoformat(), "until": until.isoformat(),
                        "linked": linked, "contacted": contacted, "months": months,
                        "link": f"/links/coverage/?scope={village.code}"}}


def register():
    from gridgov.stars import metrics

    metrics.register("links.coverage", _("Household link coverage"), coverage)
    metrics.register("links.contact_rate", _("Linked households contacted each month"), contact_rate)
