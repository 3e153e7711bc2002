"""The five-star metric source "honours.per_hundred" (see gridgov.stars.metrics): named honours of the
year per hundred households of the village."""

import datetime
from urllib.parse import urlencode

from . import queries


def per_hundred(village, since: datetime.date, until: datetime.date) -> dict:
    """Titles of the year of `until` held on `until` (named by then and not revoked by then), per hundred
    households of the village (None without households). A title holds for its campaign's year, so a
    period inside one year counts that year's titles whatever month it ends in."""
    figures = queries.per_hundred(village.path, until.year, until)
    return {
        "value": figures["value"],
        "score": None,
        "records": {"kind": "honours", "year": until.year, "day": until.isoformat(),
                    "households": figures["households"], "titles": figures["titles"], "kinds": figures["kinds"],
                    "ids": figures["ids"],
                    "link": "/honours/plaques/?" + urlencode({"scope": village.code, "year": until.year})},
    }
