"""`gridgov export KIND FILE.xlsx`: a list of the registry in the import's format, or (KIND `cases`)
the case ledger (台账, gridgov.cases.ledger)."""

import argparse
import datetime
import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from gridgov.core.context import acting_as
from gridgov.org.exports import KINDS, export_workbook, may_export_full
from gridgov.org.models import User

# tqdm's monitor is a thread that outlives the bar; a process with other threads does not fork,
# and the import checks a long people sheet in a forked process (org.imports.read_people_in_two).
tqdm.monitor_interval = 0


class Command(BaseCommand):
    # Plain text like the other commands: argparse cannot format lazy translations.
    help = (
        "Export regions, grids, party_orgs, households, people or all of them to an .xlsx workbook in the "
        "import format, or the empty template. ID numbers and phones are masked unless --full is given. "
        "KIND cases writes the case ledger (台账) of the cases reported between --since and --until, "
        "phones always masked."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=(*KINDS, "cases"), help="What to export.")
        parser.add_argument("file", help="The .xlsx file to write.")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="Export what this account may see, masked as for it (default: the system, "
                                 "everything).")
        parser.add_argument("--full", action="store_true",
                            help="Unmasked ID numbers and phones (audited); with --as only for an account that "
                                 "may see them in full.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")
        parser.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                            help="cases: reported on or after this day.")
        parser.add_argument("--until", type=_date, metavar="YYYY-MM-DD",
                            help="cases: reported on or before this day.")

    def handle(self, *args, **opts):
        user = None
        if opts["as_user"]:
            user = User.objects.filter(username=opts["as_user"], is_active=True).first()
            if user is None:
                raise CommandError(_("No active account named %(name)s.") % {"name": opts["as_user"]})
        if opts["kind"] == "cases":
            self.export_cases(user, opts)
            return
        if opts["since"] or opts["until"]:
            raise CommandError(_("--since and --until apply to the case ledger only."))
        if opts["full"] and not may_export_full(user):
            raise CommandError(_("%(name)s may not see personal data in full.") % {"name": user.username})
        bar = tqdm(unit=_("rows"), file=sys.stderr, dynamic_ncols=True,
                   disable=opts["no_progress"] or opts["verbosity"] == 0 or opts["kind"] == "template")
        rows_by_kind: dict[str, int] = {}

        def progress(kind: str, count: int) -> None:
            rows_by_kind[kind] = count
            bar.set_description(kind, refresh=False)
            bar.update(sum(rows_by_kind.values()) - bar.n)

        try:
            with acting_as(user):
                counts = export_workbook(opts["kind"], opts["file"], user=user, full=opts["full"], progress=progress)
        except PermissionDenied as exc:
            bar.close()
            raise CommandError(str(exc)) from None
        bar.close()
        if opts["kind"] == "template":
            self.stdout.write(_("Wrote the template to %(file)s") % {"file": opts["file"]})
            return
        for kind, count in counts.items():
            self.stdout.write(_("%(kind)s: %(count)d rows") % {"kind": kind, "count": count})
        self.stdout.write(_("Wrote %(file)s (%(masked)s)") % {
            "file": opts["file"], "masked": _("full") if opts["full"] else _("masked")})

    def export_cases(self, user, opts):
        # Imported here: the command line spans every app, the org registry itself knows nothing of cases.
        from gridgov.cases import ledger

        if opts["full"]:
            raise CommandError(_("The case ledger always masks phones; --full does not apply."))
        note = " ~ ".join(str(d or "") for d in (opts["since"], opts["until"])) if opts["since"] or opts[
            "until"] else ""
        try:
            with acting_as(user):
                cases = ledger.ledger_queryset(user, since=opts["since"], until=opts["until"])
                count = ledger.write_ledger(user, cases, opts["file"], note=note)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("cases: %(count)d rows") % {"count": count})
        self.stdout.write(_("Wrote %(file)s (%(masked)s)") % {"file": opts["file"], "masked": _("masked")})


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("Not a date (YYYY-MM-DD): %(value)s") % {"value": value}) from None
