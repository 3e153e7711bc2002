import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gridgov.cases import rollup


class Command(BaseCommand):
    help = ("Recompute the daily case figures behind the statistics from the cases themselves: after "
            "cases were loaded in bulk outside the actions (COPY, a restore), or to be sure.")

    def handle(self, *args, **opts):
        started = time.monotonic()
        rows = rollup.rebuild()
        self.stdout.write(_("Rebuilt %(rows)d daily rows of case figures in %(seconds).1f s.")
                          % {"rows": rows, "seconds": time.monotonic() - started})
