"""Where the practice apps plug into the shell: the home page's boxes, the menu, and the demo.

An app beside cases, points and stars registers from its AppConfig.ready(), so adding a practice
touches no shared template and no shared list. The order of a kind of plug is the order of
INSTALLED_APPS, which is also the order the demo builds in (an app whose demo reads another's
records comes after it there).
"""

from collections.abc import Callable
from dataclasses import dataclass

HOME = "home"
MENU = "menu"
_TEMPLATES: dict[str, list[str]] = {HOME: [], MENU: []}


@dataclass(frozen=True)
class DemoPart:
    label: str
    build: Callable  # build(now=datetime, seed=int) -> str | None: one line for the demo's report
    seed_offset: int  # keeps each part's random choices its own when another part changes


_DEMOS: list[DemoPart] = []


def register_template(kind: str, template_name: str) -> None:
    """A template included with the page's context: a home box (kind HOME) or menu links (MENU). It
    decides itself, from `user`, whether it shows anything."""
    if template_name not in _TEMPLATES[kind]:
        _TEMPLATES[kind].append(template_name)


def templates(kind: str) -> list[str]:
    return list(_TEMPLATES[kind])


def register_demo(label: str, build: Callable, seed_offset: int) -> None:
    """A part of `gridgov demo`, run after links and patrols and before the five stars read them all."""
    if any(part.seed_offset == seed_offset and part.label != label for part in _DEMOS):
        raise ValueError(f"demo seed offset {seed_offset} is taken")
    if all(part.label != label for part in _DEMOS):
        _DEMOS.append(DemoPart(label, build, seed_offset))


def demos() -> list[DemoPart]:
    return list(_DEMOS)
