"""Rows of organisational life for tests outside this folder that need some (the list-shape walk seeds
two of every list): village A's branch and grid party group, and two meetings of the branch."""

import datetime

from django.utils import timezone

from gridgov.core import clock
from gridgov.meetings import actions
from gridgov.org import actions as org_actions
from gridgov.org.models import PartyOrg


def two_meetings(personas) -> list:
    town = personas.town
    branch = PartyOrg.objects.filter(code="P445321104201").first() or org_actions.do_create_party_org(
        None, "P445321104201", "碧塘村党支部", "branch", town.village_a, grid=town.grid_a)
    if not PartyOrg.objects.filter(code="PG445321104201001").exists():
        org_actions.do_create_party_org(None, "PG445321104201001", "碧塘第一网格党小组", "group", town.village_a,
                                        parent=branch, grid=town.a1)
    member = org_actions.do_create_person(None, name="赵国华", grid=town.a1, is_party_member=True, party_org=branch)
    today = timezone.localdate(clock.now())
    return [actions.do_record(personas.secretary_a, branch, kind, today - datetime.timedelta(days=1), topic,
                              attendees=[member.pk])
            for kind, topic in (("theme_day", "学习党章"), ("committee", "研究村务"))]
