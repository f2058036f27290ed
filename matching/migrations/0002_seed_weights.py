"""Matching weights for the five programs, from their documents' criteria."""

from django.db import migrations

WEIGHTS = {
    # AAHPM: “matched … based on professional skills that the mentee wants to acquire and that the mentor has to offer”.
    "aahpm": dict(needs=0.6, goals=0.25, platform=0.0, distance=0.05, org_unit=0.0, leadership=0.1),
    # HPMSNJ: the committee pairs on mentee interests and mentor availability.
    "hpmsnj": dict(needs=0.5, goals=0.3, platform=0.0, distance=0.15, org_unit=0.0, leadership=0.05),
    # HHS auto-matching criteria: needs ↔ expertise, goals ↔ career history, platform, geographic location.
    "hhs": dict(needs=0.35, goals=0.25, platform=0.2, distance=0.2, org_unit=0.0, leadership=0.0),
    # WTAP: a more skilled with a less skilled worker; work/life skills.
    "wtap": dict(needs=0.6, goals=0.2, platform=0.0, distance=0.2, org_unit=0.0, leadership=0.0),
    # KY: needs/challenges/strengths/areas; leadership position on a similar path; located convenient to each other.
    "ky-connections": dict(needs=0.35, goals=0.2, platform=0.0, distance=0.25, org_unit=0.0, leadership=0.2),
}


def seed(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    MatchingWeights = apps.get_model("matching", "MatchingWeights")
    for slug, weights in WEIGHTS.items():
        program = Program.objects.filter(slug=slug).first()
        if program:
            MatchingWeights.objects.update_or_create(program=program, defaults=weights)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial"), ("programs", "0002_seed_programs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
