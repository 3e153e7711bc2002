"""`gridgov restore FILE`: put a backup of `gridgov backup` back (core/backup.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Replace the database and the uploaded files with those of a backup made by `gridgov backup`. "
            "Refuses a backup made under another GRIDGOV_DATA_KEY or of the other database engine, and a "
            "database holding data unless --replace is given. Stop the web and worker processes first.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .zip file of `gridgov backup`.")
        parser.add_argument("--replace", action="store_true", help="Replace a database that holds data.")

    def handle(self, *args, **options):
        try:
            result = restore(options["file"], replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("Restored %(file)s of %(created)s: %(rows)d rows in %(tables)d tables, as counted when "
                            "it was made.") % {"file": options["file"], "created": result["manifest"]["created_at"],
                                               "rows": sum(result["counts"].values()),
                                               "tables": len(result["counts"])})
