"""Rows of patrols for tests outside this folder that need some (the list-shape walk seeds two of every list)."""

from gridgov.patrols import actions

POINT_A1 = (22.705, 112.305)


def two_patrols(personas) -> list:
    """Two finished patrols of worker_a1 in small grid A1."""
    out = []
    for _ in range(2):
        patrol = actions.do_start(personas.worker_a1)
        actions.do_check_in(personas.worker_a1, patrol, *POINT_A1, accuracy=10)
        out.append(actions.do_finish(personas.worker_a1, patrol))
    return out
