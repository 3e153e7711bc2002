"""Duplicate suggestions: open cases of the same category within 100 m, reported within 7 days."""

import datetime

from gridgov.cases import actions
from gridgov.cases.routing import distance_m, find_duplicates, nearby_open_cases
from tests.cases.conftest import POINT_A1

LAT, LNG = POINT_A1
METRE_LAT = 1 / 111_320  # degrees of latitude per metre


def test_haversine_distance():
    assert abs(distance_m(LAT, LNG, LAT + 100 * METRE_LAT, LNG) - 100) < 0.5
    assert distance_m(LAT, LNG, LAT, LNG) == 0


def test_open_cases_of_the_category_within_100_m_are_suggested_nearest_first(personas, report, cfg):
    far = report(point=(LAT + 150 * METRE_LAT, LNG))
    near = report(point=(LAT + 60 * METRE_LAT, LNG))
    nearer = report(point=(LAT + 10 * METRE_LAT, LNG))
    other_category = report(point=(LAT, LNG), category=cfg.neighbours)
    case = report(point=(LAT, LNG))
    found = find_duplicates(case)
    assert [c for c, _m in found] == [nearer, near]
    assert 9 < found[0][1] < 11
    assert far not in [c for c, _m in found] and other_category not in [c for c, _m in found]


def test_the_east_west_distance_counts_too(report):
    metre_lng = METRE_LAT / 0.9228  # cos(22.7°)
    beside = report(point=(LAT, LNG + 90 * metre_lng))
    outside = report(point=(LAT, LNG + 110 * metre_lng))
    found = [c for c, _m in find_duplicates(report(point=(LAT, LNG)))]
    assert beside in found and outside not in found


def test_closed_and_old_cases_are_not_suggested(personas, report, drive, clock):
    closed = drive(report(), "closed")
    old = report()
    clock.shift(datetime.timedelta(days=8))
    recent = report()
    found = [c for c, _m in find_duplicates(report())]
    assert found == [recent]
    assert closed not in found and old not in found


def test_a_later_report_is_suggested_for_an_earlier_one_too(report, clock):
    first = report()
    clock.shift(datetime.timedelta(hours=3))
    second = report()
    assert [c for c, _m in find_duplicates(first)] == [second]


def test_a_reporter_sees_suggestions_before_reporting(report, cfg):
    existing = report()
    assert [c for c, _m in nearby_open_cases(cfg.garbage, LAT + 0.0001, LNG)] == [existing]


def test_a_case_without_a_point_has_no_suggestions(report, personas):
    assert find_duplicates(report(point=None, grid=personas.town.a1)) == []


def test_merging_a_suggested_duplicate(personas, report):
    first = report()
    second = report(point=(LAT + 0.0002, LNG))
    (suggested, _m), = find_duplicates(second)
    merged = actions.do_merge(personas.worker_a1, second, suggested)
    assert merged.merged_into == first
