from gridgov.core.scoping import restrict
from gridgov.org.models import Person


def test_fixture_town_paths(personas):
    t = personas.town
    assert t.a1.path == "445321.104.201.g001."
    assert restrict(personas.worker_a1, "view", Person).count() == 3
