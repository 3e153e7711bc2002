"""Where a case came from, told by the app that raised it (a contact with a linked household, a patrol).

The case loop never imports those apps; each registers, for its channel, a function that finds the
record behind a case for the user looking at it:

    from gridgov.cases import origins
    origins.register("patrol", lambda case, user: ("巡查 #12", "/patrols/12/") or None)

The function applies the user's scope itself and answers None for a record the user may not see.

Records made later from a case, whatever its channel (a dispute registered from it), are named on the
case page through `register_link(resolver)`, with the same kind of function.
"""

from collections.abc import Callable

RESOLVERS: dict[str, Callable] = {}
LINKS: list[Callable] = []


def register(channel: str, resolver: Callable) -> None:
    RESOLVERS[channel] = resolver


def origin_of(case, user) -> tuple[str, str] | None:
    """(label, url) of the record a case was raised from, if its app says so and the user may see it."""
    resolver = RESOLVERS.get(case.channel)
    return resolver(case, user) if resolver is not None else None


def register_link(resolver: Callable) -> None:
    if resolver not in LINKS:
        LINKS.append(resolver)


def links_of(case, user) -> list[tuple[str, str]]:
    """(label, url) of each record made from the case that the user may see."""
    return [found for resolver in LINKS if (found := resolver(case, user)) is not None]
