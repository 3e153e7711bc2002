"""The demo's records of this app (see gridgov/demo.py): built from the reference moment `now`, so they
read the same whatever day the demo is loaded on."""


def build(now, seed: int) -> str:
    """Build the demo records; returns one line for the loader's report (empty: nothing to say)."""
    return ""
