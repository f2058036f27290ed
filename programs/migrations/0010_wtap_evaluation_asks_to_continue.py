"""WTAP: “After an initial period, the relations will be evaluated and mutually
agreed to end or continue” — its evaluation (6 months) asks both partners to
continue or end. The other programs keep the defaults of 0009 (asked 30 days
before the planned end, 14 days' grace, extended by 12 months; the documents
are silent on all three)."""

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("programs", "Program").objects.filter(slug="wtap").update(evaluation_asks_to_continue=True)


def unseed(apps, schema_editor):
    apps.get_model("programs", "Program").objects.filter(slug="wtap").update(evaluation_asks_to_continue=False)


class Migration(migrations.Migration):
    dependencies = [("programs", "0009_historicalprogram_evaluation_asks_to_continue_and_more")]

    operations = [migrations.RunPython(seed, unseed)]
