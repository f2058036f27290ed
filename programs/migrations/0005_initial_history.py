"""A first history record for the rows created before their history was kept.

The five programs (0002) and the seeded events (0004) were written by data
migrations, which keep no history, and coordinators' links had none before
0003. Without a first record, the first change to a seeded program's rules
would show no "old → new". Same as simple-history's `populate_history`.
"""

from django.db import migrations
from django.utils import timezone

MODELS = ["Program", "Cohort", "Enrollment", "ProgramCoordinator", "Event"]


def populate(apps, schema_editor):
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("programs", name)
        history = apps.get_model("programs", f"Historical{name}")
        has_history = set(history.objects.values_list("id", flat=True).distinct())
        fields = [f.attname for f in model._meta.concrete_fields]
        history.objects.bulk_create(
            [
                history(
                    **{attname: getattr(row, attname) for attname in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason="Recorded when the audit began.",
                )
                for row in model.objects.exclude(pk__in=has_history).iterator()
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0004_seed_events")]

    operations = [migrations.RunPython(populate, migrations.RunPython.noop)]
