"""`gridgov export KIND FILE.xlsx`: a list of the registry in the import's format."""

import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from gridgov.core.context import acting_as
from gridgov.org.exports import KINDS, export_workbook, may_export_full
from gridgov.org.models import User


class Command(BaseCommand):
    # Plain text like the other commands: argparse cannot format lazy translations.
    help = (
        "Export regions, grids, party_orgs, households, people or all of them to an .xlsx workbook in the "
        "import format, or the empty template. ID numbers and phones are masked unless --full is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="What to export.")
        parser.add_argument("file", help="The .xlsx file to write.")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="Export what this account may see, masked as for it (default: the system, "
                                 "everything).")
        parser.add_argument("--full", action="store_true",
                            help="Unmasked ID numbers and phones (audited); with --as only for an account that "
                                 "may see them in full.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, **opts):
        user = None
        if opts["as_user"]:
            user = User.objects.filter(username=opts["as_user"], is_active=True).first()
            if user is None:
                raise CommandError(_("No active account named %(name)s.") % {"name": opts["as_user"]})
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
