import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from gridgov.core.scoping import ROLE_CHOICES
from gridgov.org import demo
from gridgov.org.models import Region


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(cell) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


# Enough for every board and chart to show something; about 6 s on a small machine.
DEMO_CASES = 200


class Command(BaseCommand):
    help = (
        "Load the demo town 东成镇 (16 villages, 147 small grids, a few thousand residents, one account "
        "per role) into an empty database, with the case loop's configuration (categories, handling units, "
        "the working calendar) and --cases cases of the last 60 days; or with --scale county a synthetic "
        "county of about a million residents for benchmarks. The same seed always gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["town", "county"], default="town",
                            help="town (default): the demo town; county: 20 towns, ~1M residents.")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED,
                            help=f"Random seed (default {demo.DEFAULT_SEED}).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already holds regions (used by `make run`).")
        parser.add_argument("--cases", type=int, default=DEMO_CASES, metavar="N",
                            help=f"Town scale: N demo cases, played through the case loop (default {DEMO_CASES}; "
                                 "0: none, and no case configuration, points, stars or Open311 demo either).")

    def handle(self, *args, **opts):
        if opts["if_empty"] and Region.objects.exists():
            self.stdout.write(_("The database already holds data; the demo was not loaded."))
            self.print_accounts()
            return
        try:
            summary = demo.build(opts["scale"], seed=opts["seed"], progress=opts["verbosity"] > 0)
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from None
        grids = summary["grids"]
        self.stdout.write(_(
            "Loaded %(towns)d town(s), %(villages)d villages and communities, grids %(g1)d/%(g2)d/%(g3)d "
            "(town/village/small), %(households)d households, %(people)d people, %(members)d party members, "
            "%(groups)d grid party groups, %(central)d party-member central households in %(seconds)s s."
        ) % {
            "towns": summary["regions"]["town"], "villages": summary["regions"]["village"],
            "g1": grids["1"], "g2": grids["2"], "g3": grids["3"], "households": summary["households"],
            "people": summary["people"], "members": summary["party_members"],
            "groups": summary["party_orgs"]["group"], "central": summary["central_households"],
            "seconds": summary["seconds"],
        })
        if summary["accounts_kept"]:
            self.stdout.write(_("These accounts existed already and were left unchanged: %(names)s") % {
                "names": ", ".join(summary["accounts_kept"])})
        if opts["scale"] == "town" and opts["cases"] > 0:
            self.load_cases(opts["cases"])
            self.load_modules()  # they read the case loop and its configuration
        self.print_accounts(kept=set(summary["accounts_kept"]))

    def load_cases(self, count: int):
        # Imported here: the command line spans every app; the org demo itself knows nothing of cases.
        from gridgov.cases import demo as case_demo
        from gridgov.cases.models import OPEN_STATES

        started = time.monotonic()
        config = case_demo.load_config()
        # The played history fills inboxes but queues nothing for the delivery channels: nobody is to get
        # a text for a made-up event of last month, and the worker's log stays readable on `make run`.
        with override_settings(GRIDGOV_NOTIFY_CHANNELS=""):
            states = case_demo.build_cases(count=count)
        self.stdout.write(_(
            "Loaded the case loop: %(cases)d cases (%(open)d open, %(closed)d closed), %(categories)d "
            "categories, %(units)d handling units and %(days)d calendar days in %(seconds).1f s."
        ) % {
            "cases": sum(states.values()), "open": sum(states[s] for s in OPEN_STATES), "closed": states["closed"],
            "categories": config["categories"], "units": config["units"], "days": config["holidays"],
            "seconds": time.monotonic() - started,
        })

    def load_modules(self):
        """The modules built on the foundation and the case loop, in the order they read each other:
        points read cases, stars read cases and points, Open311 requests become cases. Each returns one
        line for this output."""
        from gridgov.open311 import demo as open311_demo
        from gridgov.points import demo as points_demo
        from gridgov.stars import demo as stars_demo

        for module in (points_demo, stars_demo, open311_demo):
            with override_settings(GRIDGOV_NOTIFY_CHANNELS=""):  # as for the cases: nothing to text anyone
                line = module.build()
            if line:
                self.stdout.write(line)

    def print_accounts(self, kept: set[str] = frozenset()):
        rows = demo.account_rows()
        if not rows:
            return
        header = [_("username"), _("role"), _("scope code"), _("scope"), _("person"), _("password")]
        labels = {**dict(ROLE_CHOICES), "superuser": _("Superuser")}
        body = [[r["username"], f'{labels.get(r["role"], "")} {r["role"]}', r["scope_code"], r["scope_name"], r["person"],
                 _("(unchanged)") if r["username"] in kept else demo.PASSWORD] for r in rows]
        self.stdout.write(_("Demo accounts:"))
        self.stdout.write(table(header, body))
