from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.points import actions, ledger


class Command(BaseCommand):
    help = ("Year-end settlement of points (年度结算) for YEAR: with --policy clear (or GRIDGOV_POINTS_YEAR_END=clear) "
            "every positive balance is taken to zero by a settlement entry; carry writes nothing. Running it twice "
            "for the same year changes nothing. --check only compares every balance with the sum of its entries.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, nargs="?")
        parser.add_argument("--policy", choices=["carry", "clear"])
        parser.add_argument("--check", action="store_true", help="only check the ledger against the balances")

    def handle(self, *args, **opts):
        if opts["check"]:
            wrong = ledger.check()
            for pk, balance, total in wrong:
                self.stdout.write(_("Account %(id)d: balance %(balance)d, entries sum to %(sum)d") % {
                    "id": pk, "balance": balance, "sum": total})
            if wrong:
                raise CommandError(_("%(n)d account(s) differ from their ledger.") % {"n": len(wrong)})
            self.stdout.write(_("Every balance equals the sum of its entries."))
            return
        if opts["year"] is None:
            raise CommandError(_("Name the year to settle."))
        written = actions.settle_year(opts["year"], opts["policy"])
        self.stdout.write(_("Year %(year)d settled: %(n)d entries written.") % {"year": opts["year"], "n": written})
