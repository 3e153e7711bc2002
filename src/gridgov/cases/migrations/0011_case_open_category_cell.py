# Duplicate suggestions read the cells around a point (issue 18): the index of open cases on (category,
# cell of the point, created_at) replaces the one on (category, lat). An expression index, no column:
# no table rewrite, and rows written by COPY or an older process are indexed all the same.

import gridgov.cases.models
from django.db import migrations, models

from gridgov.core.online_indexes import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY on PostgreSQL: a large table stays writable

    dependencies = [
        ('cases', '0010_case_path_created'),
    ]

    operations = [
        AddIndexOnline(
            model_name='case',
            index=models.Index(models.F('category'), gridgov.cases.models.PointCell(per_degree=500), models.F('created_at'), condition=models.Q(('state__in', ('reported', 'accepted', 'dispatched', 'in_progress', 'suspended', 'resolved'))), name='case_open_category_cell'),
        ),
        RemoveIndexOnline(
            model_name='case',
            name='case_open_category_lat',
        ),
    ]
