from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.stars import actions, scoring
from gridgov.stars.models import Assessment


class Command(BaseCommand):
    help = ("Compute every metric figure of the submitted assessments of a quarter again from the records and list "
            "those that differ from the stored figures (exit status 1 when any does). Writes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("period", help="a quarter like 2026Q3")

    def handle(self, *args, **opts):
        period = opts["period"].upper()
        try:
            scoring.parse_period(period)
        except scoring.PeriodError:
            raise CommandError(_("A period looks like 2026Q3.")) from None
        checked = differing = 0
        for a in Assessment.objects.filter(period=period).exclude(state="draft").select_related("village"):
            checked += 1
            for d in actions.verify(a):
                differing += 1
                self.stdout.write(f"{a.village.code} {a.village.name} {d['indicator']}: "
                                  f"{d['stored_value']} -> {d['value']} ({d['stored_points']} -> {d['points']})")
        self.stdout.write(_("%(checked)d assessments checked, %(differing)d figures differ from the records now.") % {
            "checked": checked, "differing": differing})
        if differing:
            raise SystemExit(1)
