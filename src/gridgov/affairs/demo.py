"""The demo's village affairs: filled in by the demo work."""


def build(now, seed):
    return None
