# The overdue list's index of running cases gains created_at and id (issue 18): a town's overdue page at
# 50M cases read 9,215 rows from the table to sort them by date; now the index alone answers it. Built
# before the old one is dropped, both without locking the table on PostgreSQL (core.online_indexes).

from django.db import migrations, models

from gridgov.core.online_indexes import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0011_case_open_category_cell'),
    ]

    operations = [
        AddIndexOnline(
            model_name='case',
            index=models.Index(condition=models.Q(('state__in', ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved'))), fields=['path', 'deadline', 'created_at', 'id'], name='case_running_overdue_page', opclasses=['varchar_pattern_ops', '', '', '']),
        ),
        RemoveIndexOnline(
            model_name='case',
            name='case_running_path_deadline',
        ),
    ]
