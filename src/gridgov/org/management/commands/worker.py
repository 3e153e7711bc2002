import signal

from django.core.management.base import BaseCommand

from gridgov.core import jobs


class Command(BaseCommand):
    help = "Run background jobs (imports, deadlines) from the database until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between polls when idle.")

    def handle(self, *args, **opts):
        if opts["once"]:
            count = jobs.run_pending()
            self.stdout.write(f"ran {count} job(s)")
            return
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        jobs.work_forever(poll_seconds=opts["poll"], stop=lambda: bool(stopping))
