import datetime

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.retention import RetentionError, purge


class Command(BaseCommand):
    help = ("Delete audit rows older than --before (YYYY-MM-DD); dates less than GRIDGOV_AUDIT_KEEP_DAYS "
            "(at least 180) days ago are refused. The purge is itself recorded in the audit log.")

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, type=datetime.date.fromisoformat,
                            help="delete rows from before this day (YYYY-MM-DD)")

    def handle(self, *args, before, **options):
        try:
            deleted = purge(before)
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{deleted} audit rows before {before.isoformat()} deleted")
