# Duplicate suggestions read the cells around a point (issue 18): the index of open cases on (category,
# cell of the point, created_at) replaces the one on (category, lat). An expression index, no column:
# no table rewrite, and rows written by COPY or an older process are indexed all the same.

import gridgov.cases.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_case_path_created'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(models.F('category'), gridgov.cases.models.PointCell(per_degree=500), models.F('created_at'), condition=models.Q(('state__in', ('reported', 'accepted', 'dispatched', 'in_progress', 'suspended', 'resolved'))), name='case_open_category_cell'),
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_open_category_lat',
        ),
    ]
