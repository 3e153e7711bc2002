"""Weekly screenings (周排查): a zero report or the disputes found, one per village and week, on time by the
week's Sunday (plus the town's grace days), across a year end (2026-W53 ends on Sunday 3 January 2027)."""

from gridgov.core.models import AuditEntry
from gridgov.disputes.models import Screening

from .conftest import dispute_body, local, post


def test_zero_reports_on_time_late_and_once(personas, clock, api_client):
    town = personas.town
    clock.move_to(local(2027, 1, 3, 21, 0))  # Sunday of 2026-W53
    client = api_client("secretary_a")
    r = post(client, "/api/v1/disputes/screenings", {"village": town.village_a.code, "week": "2026-W53", "none": True})
    assert r.status_code == 201, r.content
    assert (r.json()["week"], r.json()["on_time"], r.json()["found"]) == ("2026-W53", True, 0)
    again = post(client, "/api/v1/disputes/screenings", {"village": town.village_a.code, "week": "2026-W53",
                                                         "none": True})
    assert again.status_code == 409
    r = post(client, "/api/v1/disputes/screenings", {"village": town.village_a.code, "week": "2027-W01", "none": True})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "week"  # not begun yet
    for week in ("2026-W54", "2026-53", "W53"):
        r = post(client, "/api/v1/disputes/screenings", {"village": town.village_a.code, "week": week, "none": True})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "week", week
    clock.move_to(local(2027, 1, 4, 0, 5))  # Monday: W53's report is late now
    town_client = api_client("town_admin")
    r = post(town_client, "/api/v1/disputes/screenings", {"village": town.village_b.code, "week": "2026-W53",
                                                          "none": True})
    assert r.json()["on_time"] is False
    # the outsider (village B's secretary) cannot file for A; the grid worker for nobody
    r = post(api_client("outsider"), "/api/v1/disputes/screenings", {"village": town.village_a.code,
                                                                     "week": "2027-W01", "none": True})
    assert r.status_code == 404
    assert post(api_client("worker_a1"), "/api/v1/disputes/screenings",
                {"village": town.village_a.code, "week": "2027-W01", "none": True}).status_code == 404
    assert Screening.objects.count() == 2
    assert AuditEntry.objects.filter(action="dispute.screening").count() == 2


def test_found_or_none_must_match_the_week_and_grace_days(personas, clock, api_client):
    town = personas.town
    client = api_client("secretary_a")  # Monday 2 March 2026 (2026-W10)
    r = post(client, "/api/v1/disputes/screenings", {"village": town.village_a.code, "week": "2026-W10"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "none"  # nothing registered: found what?
    post(client, "/api/v1/disputes", dispute_body(town))
    r = post(client, "/api/v1/disputes/screenings", {"village": town.village_a.code, "week": "2026-W10", "none": True})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "none"  # a dispute was registered
    r = post(client, "/api/v1/disputes/screenings", {"village": town.village_a.code, "week": "2026-W10", "none": False})
    assert r.status_code == 201 and r.json()["found"] == 1
    post(api_client("town_admin"), "/api/v1/disputes/rule", {"town": town.town.code, "screening_grace_days": 1})
    clock.move_to(local(2026, 3, 16, 23, 0))  # the Monday after W11: on time with one grace day
    r = post(api_client("secretary_a"), "/api/v1/disputes/screenings", {"village": town.village_a.code,
                                                                        "week": "2026-W11", "none": True})
    assert r.json()["on_time"] is True
    clock.move_to(local(2026, 3, 24, 0, 1))  # Tuesday after W12: late
    r = post(api_client("secretary_a"), "/api/v1/disputes/screenings", {"village": town.village_a.code,
                                                                        "week": "2026-W12", "none": True})
    assert r.json()["on_time"] is False
