"""Rows of links for tests outside this folder that need some (the list-shape walk seeds two of every list)."""

from gridgov.links import actions
from gridgov.links.queries import today


def two_links_and_contacts(personas) -> list:
    """王志强 (party_a1) linked to two households of village A, and a contact with each (today)."""
    t = personas.town
    links = [actions.do_link(None, t.wang, house) for house in (t.house_a1, t.house_a2)]
    return [actions.do_contact(personas.party_a1, link.household_id, "visit", today()) for link in links]
