"""The roles a user holds on a case (for pages and the API) and a grid's contacts from its posts."""

from gridgov.cases import workflow
from gridgov.cases.routing import grid_contacts
from gridgov.org import actions as org_actions


def test_roles_follow_the_case_through_the_loop(personas, report, drive):
    case = report()
    assert workflow.roles_of(personas.worker_a1, case) == {"assessor", "staff", "viewer"}
    assert workflow.roles_of(personas.secretary_a, case) == {"assessor", "staff", "supervisor", "viewer"}
    assert workflow.roles_of(personas.resident_a1, case) == {"reporter", "viewer"}
    assert workflow.roles_of(personas.department, case) == {"viewer"}
    assert workflow.roles_of(personas.outsider, case) == set()
    case = drive(case, "in_progress")
    assert workflow.roles_of(personas.party_a1, case) == {"handler", "viewer"}
    assert workflow.allowed_actions(personas.party_a1, case) == [
        "return", "extend", "suspend", "resolve", "add_photo", "comment"]  # nothing to answer yet


def test_a_grids_contacts_come_from_its_posts(personas):
    town = personas.town
    org_actions.do_add_post(None, town.zhang_wife, "grid_worker_full", grid=town.a1)
    org_actions.do_add_post(None, town.wang, "party_responsible", grid=town.a1)
    contacts = grid_contacts(town.a1)
    assert contacts == {"workers": [town.zhang_wife], "party_members": [town.wang]}
    assert grid_contacts(town.a2) == {"workers": [], "party_members": []}
