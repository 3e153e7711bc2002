"""The five built-in kinds of meeting (三会一课 and 主题党日); their names are shown translated."""

from django.db import migrations

KINDS = [("committee", "支委会"), ("general", "党员大会"), ("group", "党小组会"), ("lecture", "党课"),
         ("theme_day", "主题党日")]


def add(apps, schema_editor):
    MeetingKind = apps.get_model("meetings", "MeetingKind")
    for code, name in KINDS:
        MeetingKind.objects.get_or_create(code=code, defaults={"name": name, "town": None, "path": ""})


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
