import argparse
import datetime
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov import demo
from gridgov.org import demo as org_demo


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(cell) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("--date must be a day written YYYY-MM-DD, e.g. 2026-12-04; got %(value)r") % {"value": text}) from None


class Command(BaseCommand):
    help = (
        "Load the demo town 东成镇 (16 villages, 147 small grids, a few thousand residents, one account "
        "per role) into an empty database, with its case loop (--cases cases of the 60 days before --date), "
        "points, five-star branches and Open311; or with --scale county a synthetic county of about a "
        "million residents for benchmarks. The same seed and date always give the same data. Loading is "
        "all or nothing: if it fails, the database stays empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["town", "county"], default="town",
                            help="town (default): the demo town; county: 20 towns, ~1M residents.")
        parser.add_argument("--seed", type=int, default=org_demo.DEFAULT_SEED,
                            help=f"Random seed (default {org_demo.DEFAULT_SEED}).")
        parser.add_argument("--date", type=_day, default=None, metavar="YYYY-MM-DD",
                            help="The reference day: the demo's history ends at its start (default: today).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Load only into an empty database; leave a complete demo or a real town's data "
                                 "alone, and stop with an error on a half-loaded demo (used by `make run`).")
        parser.add_argument("--cases", type=int, default=demo.DEMO_CASES, metavar="N",
                            help=f"Town scale: N demo cases, played through the case loop (default {demo.DEMO_CASES}; "
                                 "0: none, and no case configuration, points, stars or Open311 demo either).")

    def handle(self, *args, **opts):
        if opts["if_empty"]:
            found = demo.state()
            if found == demo.PARTIAL_DEMO:
                raise CommandError(_(
                    "The database holds a demo whose loading stopped half-way (an earlier version could leave "
                    "one), so it is not served as if it were whole. Start over: `make clean && make run` "
                    "(this deletes ./var/ with its database and keys), or point GRIDGOV_VAR_DIR at a new folder."))
            if found != demo.EMPTY:
                self.stdout.write(_("The database already holds data; the demo was not loaded."))
                self.print_accounts()
                return
        if opts["cases"] < 0:
            raise CommandError(_("--cases must be 0 or more."))
        try:
            summary = demo.load(scale=opts["scale"], seed=opts["seed"], day=opts["date"], cases=opts["cases"],
                                progress=opts["verbosity"] > 0, say=self.stdout.write)
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        if summary["accounts_kept"]:
            self.stdout.write(_("These accounts existed already and were left unchanged: %(names)s") % {
                "names": ", ".join(summary["accounts_kept"])})
        self.stdout.write(_("Reference day: %(day)s (the demo's history ends at its start).") % {
            "day": summary["day"].isoformat()})
        self.print_accounts(kept=set(summary["accounts_kept"]))

    def print_accounts(self, kept: set[str] = frozenset()):
        rows = org_demo.account_rows()
        if not rows:
            return
        header = [_("username"), _("role"), _("scope code"), _("scope"), _("name"), _("password")]
        body = [[r["username"], f'{r["post"]} {r["role"]}', r["scope_code"], r["scope_name"], r["person"],
                 _("(unchanged)") if r["username"] in kept else org_demo.PASSWORD] for r in rows]
        self.stdout.write(_("Demo accounts:"))
        self.stdout.write(table(header, body))
