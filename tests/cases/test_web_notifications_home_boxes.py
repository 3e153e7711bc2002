"""The case box of each role's home page: the numbers come from the cases the user may see."""

import re

from gridgov.cases import actions

from .conftest import local


def _figure(client, element_id: str) -> int:
    html = client.get("/").content.decode()
    match = re.search(rf'id="{element_id}">(\d+)<', html)
    assert match, element_id
    return int(match.group(1))


def test_staff_see_open_overdue_and_due_soon_in_their_scope(personas, report, login, clock):
    report()                                    # assess within 2 h: due soon at 11:36, due 12:00
    report(description="第二宗")
    out_of_scope = report(actor=personas.resident_a1, description="B 村的事", point=(22.715, 112.305))
    assert out_of_scope.grid == personas.town.b1
    clock.move_to(local(2026, 3, 2, 11, 45))
    secretary = login(personas.secretary_a)
    assert (_figure(secretary, "cases-open"), _figure(secretary, "cases-overdue"),
            _figure(secretary, "cases-due-soon")) == (2, 0, 2)
    clock.move_to(local(2026, 3, 2, 14, 30))
    admin = login(personas.town_admin)
    assert (_figure(admin, "cases-open"), _figure(admin, "cases-overdue"), _figure(admin, "cases-due-soon")) == (3, 3, 0)
    assert 'href="/cases/supervision/?clock=overdue"' in admin.get("/").content.decode()


def test_the_grid_worker_sees_the_inbox_counts(personas, report, drive, login):
    report()
    drive(report(description="待核实"), "resolved")
    accepted = actions.do_accept(personas.worker_a1, report(description="自己处理"))
    actions.do_dispatch(personas.worker_a1, accepted, "worker_a1")
    client = login(personas.worker_a1)
    assert (_figure(client, "cases-assess"), _figure(client, "cases-handle"), _figure(client, "cases-verify")) == (
        1, 1, 1)
    assert 'href="/cases/inbox/?tab=assess"' in client.get("/").content.decode()


def test_the_party_member_sees_the_order_pool(personas, report, login):
    for text in ("一", "二"):
        case = actions.do_accept(personas.worker_a1, report(description=f"池中{text}"))
        actions.do_publish(personas.worker_a1, case)
    client = login(personas.party_a1)
    assert (_figure(client, "cases-pool"), _figure(client, "cases-orders")) == (2, 0)
    actions.do_claim(personas.party_a1, case)
    assert (_figure(client, "cases-pool"), _figure(client, "cases-orders")) == (1, 1)


def test_the_resident_sees_their_open_reports(personas, report, drive, login):
    report()
    drive(report(description="已办结"), "closed")
    report(actor=personas.worker_a1, description="网格员巡查发现")
    assert _figure(login(personas.resident_a1), "cases-mine-open") == 1
