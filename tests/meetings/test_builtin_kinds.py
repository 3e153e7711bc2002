"""The five built-in kinds of meeting are there after a flush too (a transactional test's, or
`gridgov flush`): a migration alone would add them only once, and the record form would offer none."""

from django.core.management import call_command

from gridgov.meetings.models import BUILTIN_NAMES, MeetingKind


def test_the_built_in_kinds_come_back_after_a_flush(transactional_db):
    call_command("flush", interactive=False, verbosity=0)
    kinds = dict(MeetingKind.objects.filter(town__isnull=True).values_list("code", "name"))
    assert kinds == BUILTIN_NAMES
