"""This app's rows of the access policy (gridgov.core.scoping.POLICY): role -> kind -> (reach, actions)."""

POLICY: dict = {}
