import signal

from django.core.management.base import BaseCommand

from gridgov.core import jobs


class Command(BaseCommand):
    help = ("Run background jobs (imports) from the database and, every --tick seconds, the periodic sweeps "
            "(case deadlines, reminders, escalations, notification delivery) until stopped.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="Run what is queued and one round of the periodic sweeps, then exit.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument("--tick", type=float, default=5.0,
                            help="Seconds between rounds of the periodic sweeps (default 5; 0: none).")

    def handle(self, *args, **opts):
        jobs.discover()
        if opts["once"]:
            done = jobs.run_once()
            self.stdout.write(f"ran {done['jobs']} job(s)")
            for name, result in sorted(done["periodic"].items()):
                self.stdout.write(f"{name}: {result}")
            return
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        jobs.work_forever(poll_seconds=opts["poll"], stop=lambda: bool(stopping), tick_seconds=opts["tick"] or None)
