"""How points are made, with no database writes: periods, the three scoring methods, star and level rules.

Points are Decimals rounded half up to 2 places, so the same inputs always give the same figures on
SQLite and PostgreSQL (floats never reach a stored figure).

Rules:
- an indicator's points never leave 0..max;
- a star's score is the sum of its indicators; it is earned when it has indicators, the score reaches
  its threshold and none of its veto items was found (一票否决);
- the total is the sum of the stars (100 in a complete scheme); the level is the first entry of the
  scheme's level list whose `min_total` (and `min_stars`, when given) the assessment reaches.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
PERIOD_RE = re.compile(r"^(\d{4})Q([1-4])$")


class PeriodError(ValueError):
    pass


def parse_period(period: str) -> tuple[int, int]:
    match = PERIOD_RE.match((period or "").strip().upper())
    if not match:
        raise PeriodError(period)
    return int(match.group(1)), int(match.group(2))


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of the quarter "2026Q3" (both included)."""
    year, quarter = parse_period(period)
    start = datetime.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (datetime.date(year + 1, 1, 1) if end_month == 12 else datetime.date(year, end_month + 1, 1)) \
        - datetime.timedelta(days=1)
    return start, end


def period_of(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous_period(period: str) -> str:
    year, quarter = parse_period(period)
    return f"{year - 1}Q4" if quarter == 1 else f"{year}Q{quarter - 1}"


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


VALUE_PLACES = Decimal("0.0001")  # Score.value keeps 4 decimal places


def stored_value(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


def clamp(points, max_points) -> Decimal:
    return money(min(max(Decimal(str(points)), ZERO), Decimal(str(max_points))))


def points_from_value(config: dict, max_points, value, source_score=None) -> Decimal:
    """The points a metric value earns under the indicator's mapping (see models.Indicator).
    No value (no records to compute from) earns nothing."""
    max_points = Decimal(str(max_points))
    kind = config.get("map", "linear")
    if kind == "score":
        return ZERO if source_score is None else clamp(max_points * Decimal(str(source_score)), max_points)
    if value is None:
        return ZERO
    value = Decimal(str(value))
    if kind == "brackets":
        earned = ZERO
        for threshold, points in sorted(config.get("brackets", []), key=lambda b: Decimal(str(b[0]))):
            if value >= Decimal(str(threshold)):
                earned = Decimal(str(points))
        return clamp(earned, max_points)
    floor, target = Decimal(str(config.get("floor", 0))), Decimal(str(config.get("target", 1)))
    if value >= target:
        return money(max_points)
    if value <= floor or target <= floor:
        return ZERO
    return clamp(max_points * (value - floor) / (target - floor), max_points)


def dynamic_points(config: dict, max_points, entries) -> Decimal:
    """A dynamic indicator: its base plus every reward and penalty entry, kept within 0..max."""
    total = Decimal(str(config.get("base", 0))) + sum((Decimal(str(e)) for e in entries), ZERO)
    return clamp(total, max_points)


def level_for(levels: list[dict], total, stars: int) -> str:
    total = Decimal(str(total))
    for entry in levels:
        if total >= Decimal(str(entry.get("min_total", 0))) and stars >= int(entry.get("min_stars", 0)):
            return entry["label"]
    return ""


def star_figures(stars: list[dict]) -> dict:
    """stars: [{"code", "threshold", "points": [indicator points], "vetoed": bool}] ->
    {"stars": {code: {"score", "earned", "vetoed"}}, "total", "stars_earned"} (Decimals as strings)."""
    out, total, earned_count = {}, ZERO, 0
    for star in stars:
        score = money(sum((Decimal(str(p)) for p in star["points"]), ZERO))
        # A star with nothing to score (a scheme still being built) is never earned, even at threshold 0.
        earned = bool(star["points"]) and score >= Decimal(str(star["threshold"])) and not star["vetoed"]
        out[star["code"]] = {"score": str(score), "earned": earned, "vetoed": bool(star["vetoed"])}
        total += score
        earned_count += earned
    return {"stars": out, "total": str(money(total)), "stars_earned": earned_count}


def rank_key(item: dict):
    """The ranking rule: total (desc), then stars earned (desc), then village code (asc). The code makes
    every tie end the same way on every database."""
    return (-Decimal(str(item["total"])), -int(item["stars_earned"]), item["village_code"])
