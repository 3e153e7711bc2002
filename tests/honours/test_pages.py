"""The pages, each role's way through them: the town opens a campaign and adds an honour; a household
applies; the grid worker inspects with a photo; the village reviews; the town publishes and names;
the village's public list, the plaque list to print and the counts; outsiders get 404."""

from gridgov.honours.models import Campaign, Entry, HonourKind

from .conftest import CRITERIA, SCORES, local
from .test_life_cycle import png


def test_each_role_through_the_pages(personas, clock, login):
    p, t = personas, personas.town
    town = login(p.town_admin)
    assert town.get("/honours/campaigns/").status_code == 200
    r = town.post("/honours/campaigns/", {"form": "campaign", "year": "2026", "kind": "starred",
                                          "criteria": "\n".join(f"{c['name']} {c['max']}" for c in CRITERIA),
                                          "thresholds": "60,70,80,90,95", "publicity_days": "7"})
    campaign = Campaign.objects.get()
    assert r.status_code == 302 and campaign.criteria == CRITERIA and campaign.thresholds == [60, 70, 80, 90, 95]
    town.post("/honours/campaigns/", {"form": "kind", "name": "好媳妇", "subject": "person"})
    assert HonourKind.objects.filter(name="好媳妇", subject="person", built_in=False).exists()
    # The household applies from its phone (the home page's box leads there).
    resident = login(p.resident_a1)
    assert 'id="honours-box"' in resident.get("/").content.decode()
    assert 'id="honours-box"' not in login(p.department).get("/").content.decode()
    page = resident.get("/honours/")
    assert page.status_code == 200 and "2026 星级文明户" in page.content.decode()
    r = resident.post("/honours/enter/", {"campaign": campaign.pk, "target": t.house_a1.pk})
    entry = Entry.objects.get()
    assert r.status_code == 302 and entry.origin == "applied"
    # The grid worker sees it waiting and inspects with a photo.
    worker = login(p.worker_a1)
    assert f"/honours/entries/{entry.pk}/" in worker.get("/honours/").content.decode()
    assert 'capture="environment"' in worker.get(f"/honours/entries/{entry.pk}/").content.decode()
    body = {"action": "inspect", "notes": "整洁", "photo": png(), **{f"score:{k}": v for k, v in SCORES.items()}}
    assert worker.post(f"/honours/entries/{entry.pk}/act/", body).status_code == 302
    entry.refresh_from_db()
    assert (entry.state, entry.total, entry.photos.count()) == ("inspected", 85, 1)
    # A refused step says why and changes nothing.
    worker.post(f"/honours/entries/{entry.pk}/act/", {"action": "publish"})
    entry.refresh_from_db()
    assert entry.state == "inspected"
    secretary = login(p.secretary_a)
    assert f"/honours/entries/{entry.pk}/" in secretary.get("/honours/").content.decode()
    secretary.post(f"/honours/entries/{entry.pk}/act/", {"action": "review", "decision": "approve"})
    assert town.get(f"/honours/campaigns/{campaign.pk}/").status_code == 200
    town.post(f"/honours/entries/{entry.pk}/act/", {"action": "publish", "back": "campaign"})
    entry.refresh_from_db()
    assert entry.state == "published"
    # The village's public list during the notice; an objection from a neighbour.
    party = login(p.party_a1)
    listed = party.get("/honours/public/").content.decode()
    assert "碧塘村一巷1号" in listed and "2026-03-08" in listed
    party.post(f"/honours/entries/{entry.pk}/act/", {"action": "object", "text": "有杂物"})
    objection = entry.objections.get()
    clock.move_to(local(2026, 3, 9, 9, 0))
    town = login(p.town_admin)
    town.post(f"/honours/entries/{entry.pk}/act/", {"action": "name"})
    entry.refresh_from_db()
    assert entry.state == "published"  # the objection is open
    town.post(f"/honours/entries/{entry.pk}/act/", {"action": "answer", "objection": objection.pk, "text": "已清理"})
    town.post(f"/honours/entries/{entry.pk}/act/", {"action": "name"})
    entry.refresh_from_db()
    assert entry.state == "named"
    plaques = town.get("/honours/plaques/", {"scope": t.village_a.code, "year": 2026})
    html = plaques.content.decode()
    assert plaques.status_code == 200 and "碧塘村一巷1号" in html and "3★" in html and "honours.css" in html
    counts = town.get("/honours/counts/", {"year": 2026}).content.decode()
    assert "碧塘村" in counts and "星级文明户" in counts
    # Outsiders: 404 like a missing page.
    outsider = login(p.outsider)
    assert outsider.get(f"/honours/entries/{entry.pk}/").status_code == 404
    assert outsider.get("/honours/plaques/", {"scope": t.village_a.code}).status_code == 404
    assert outsider.get(f"/honours/photos/{entry.photos.get().pk}/").status_code == 404
    assert login(p.department).get("/honours/").status_code == 404
    assert login(p.resident_a1).get("/honours/campaigns/").status_code == 404
    assert login(p.resident_a1).get("/honours/public/", {"scope": t.village_b.code}).status_code == 404
