"""`gridgov import FILE.xlsx`: the registry workbook into the database, all or nothing."""

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from gridgov.core.context import acting_as
from gridgov.org.imports import ImportFailed, import_workbook
from gridgov.org.models import User

# tqdm's monitor is a thread that outlives the bar; a process with other threads does not fork,
# and the import checks a long people sheet in a forked process (org.imports.read_people_in_two).
tqdm.monitor_interval = 0


def find_user(username: str | None):
    """None (the system) without --as; otherwise that active account."""
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active account named %(name)s.") % {"name": username})
    return user


class Command(BaseCommand):
    # Plain text like the other commands: argparse cannot format lazy translations.
    help = (
        "Import regions, grids, party organisations, households and people from an .xlsx workbook "
        "(download the template with `gridgov export template FILE.xlsx`). The whole workbook is checked "
        "first: if any row is wrong nothing is written and every problem is listed with its sheet, row, "
        "column and reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx workbook.")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="Import as this account, within its scope (default: the system).")
        parser.add_argument("--check", action="store_true", help="Only check the workbook; write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        actor = find_user(opts["as_user"])
        bar = tqdm(total=0, unit=_("rows"), file=sys.stderr, dynamic_ncols=True,
                   disable=opts["no_progress"] or opts["verbosity"] == 0)
        labels = {"check": _("checking"), "write": _("writing")}

        def progress(phase: str, done: int, total: int) -> None:
            bar.total = total
            bar.set_description(labels.get(phase, phase), refresh=False)
            bar.update(done - bar.n)

        try:
            with acting_as(actor):
                summary = import_workbook(path, actor=actor, progress=progress, check_only=opts["check"])
        except ImportFailed as exc:
            bar.close()
            self.stderr.write("\t".join([_("Sheet"), _("Row"), _("Column"), _("Value"), _("Reason")]))
            for error in exc.errors:
                self.stderr.write("\t".join([error.sheet, str(error.row), error.column, error.value, error.reason]))
            if exc.count > len(exc.errors):
                self.stderr.write(_("... and %(count)d more.") % {"count": exc.count - len(exc.errors)})
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            bar.close()
            raise CommandError(str(exc)) from None
        bar.close()
        if opts["check"]:
            self.stdout.write(_("The workbook is valid; nothing was written."))
            for kind, counts in summary.items():
                self.stdout.write(f"{kind}: {counts['rows']}")
            return
        for kind, counts in summary.items():
            self.stdout.write(_("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                              % {"kind": kind, "created": counts.get("created", 0),
                                 "updated": counts.get("updated", 0), "unchanged": counts.get("unchanged", 0)})
