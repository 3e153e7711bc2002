"""`gridgov backup FILE`: the database, the uploaded files and a manifest in one zip (core/backup.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Write the whole installation (database, uploaded photos and files, a manifest with row counts and "
            "the data key's fingerprint) to one .zip file. Personal data stay encrypted in it: keep "
            "GRIDGOV_DATA_KEY apart from the backup, and both safe.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .zip file to write.")

    def handle(self, *args, **options):
        try:
            manifest = backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(_("Backup written to %(file)s: %(tables)d tables, %(rows)d rows (%(engine)s).") % {
            "file": options["file"], "tables": len(manifest["counts"]), "rows": rows, "engine": manifest["engine"]})
