"""Issue 17, finding 3: nobody awards, reviews, approves or reverses points that are their own (their
account, their household's account; with GRIDGOV_POINTS_NO_AWARDS_IN_OWN_HOUSEHOLD, anyone's in their
household), on the API, the web and the actions; and a rule gives at most what the town allows."""

import pytest

from gridgov.points import actions
from gridgov.points.ledger import LedgerError
from gridgov.points.models import Claim, Entry


def _tie(user, person):
    """Staff accounts may be tied to their person in the registry (the demo's grid worker is)."""
    user.person = person
    user.save(update_fields=["person"])
    return user


def test_staff_do_not_award_or_reverse_their_own_points(personas, rules, api_client, login, settings, fund, english):
    town = personas.town
    worker = _tie(personas.worker_a1, town.zhang_wife)  # 李秀英, of 张建国's household
    secretary = _tie(personas.secretary_a, town.chen)  # 陈丽华, of village A
    api = api_client("worker_a1")
    response = api.post("/api/v1/points/awards", {"person": town.zhang_wife.pk, "rule": "MEET", "reason": "参会"},
                        content_type="application/json")
    assert response.status_code == 403 and "their own" in response.json()["detail"]
    response = login(worker).post("/points/award/", {"rule": rules.meeting.pk, "person": town.zhang_wife.pk,
                                                     "reason": "参会"})
    assert response.status_code == 200 and "their own" in response.content.decode()
    with pytest.raises(LedgerError) as exc:  # the household's account is theirs too
        actions.do_award(secretary, rules.clean, "清洁户", household=town.house_a2)
    assert exc.value.status == 403
    assert not Entry.objects.exists()
    # Another member of the household: allowed unless the town says otherwise.
    assert api.post("/api/v1/points/awards", {"person": town.zhang.pk, "rule": "MEET", "reason": "参会"},
                    content_type="application/json").status_code == 201
    settings.GRIDGOV_POINTS_NO_AWARDS_IN_OWN_HOUSEHOLD = "true"
    assert api.post("/api/v1/points/awards", {"person": town.zhang.pk, "rule": "MEET", "reason": "参会"},
                    content_type="application/json").status_code == 403
    # A deduction of one's own is not undone by oneself.
    fund(town.chen, 20)
    deduction = actions.do_award(personas.town_admin, rules.violation, "违规搭建", person=town.chen)
    with pytest.raises(LedgerError) as exc:
        actions.do_reverse(secretary, deduction, "撤销")
    assert exc.value.status == 403 and not Entry.objects.filter(reversal_of=deduction).exists()
    assert Entry.objects.count() == 3


def test_nobody_reviews_or_approves_a_claim_of_their_own_household(personas, rules, settings, login):
    town = personas.town
    worker = _tie(personas.worker_a1, town.zhang_wife)
    secretary = _tie(personas.secretary_a, town.chen)  # 陈丽华, of village A
    household_rule = actions.do_save_rule(personas.town_admin, town.town, code="HH", name="美丽庭院", points=30,
                                          unit="household", needs_review=True)
    claim = actions.do_file_claim(personas.resident_a1, town.zhang, household_rule, "庭院整洁")
    with pytest.raises(LedgerError) as exc:  # 张建国's household's account: 李秀英's own
        actions.do_review_claim(worker, claim, True)
    assert exc.value.status == 403
    own = actions.do_file_claim(secretary, town.chen, rules.volunteer, "防汛值守")
    actions.do_review_claim(personas.town_admin, own, True)
    response = login(secretary).post(f"/points/claims/{own.pk}/approve/")  # the secretary's own claim
    assert response.status_code == 302 and Claim.objects.get(pk=own.pk).state == "reviewed"
    person_claim = actions.do_file_claim(personas.resident_a1, town.zhang, rules.volunteer, "清扫村道")
    settings.GRIDGOV_POINTS_NO_AWARDS_IN_OWN_HOUSEHOLD = "true"
    with pytest.raises(LedgerError):  # the husband of the grid worker, where the town extends the rule
        actions.do_review_claim(worker, person_claim, True)
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.SUBMITTED


def test_a_rule_gives_at_most_what_the_town_allows(personas, settings):
    town = personas.town
    settings.GRIDGOV_POINTS_RULE_MAX_POINTS = 50
    for region, who in ((town.village_a, personas.secretary_a), (town.town, personas.town_admin)):
        for points in (51, -51):
            with pytest.raises(LedgerError) as exc:
                actions.do_save_rule(who, region, code=f"BIG{points}", name="大额", points=points)
            assert exc.value.field == "points"
    assert actions.do_save_rule(personas.secretary_a, town.village_a, code="OK", name="可以", points=50).points == 50
