"""python manage.py import_participants PROGRAM FILE [--dry-run]

PROGRAM is the program's slug (e.g. ky-connections). The file is checked as
a whole: with any bad row nothing is written and every bad row is listed, and
the command exits with an error. A dry run prints what would happen.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mentorship.services.participant_import import participants_import
from programs.models import Program


class Command(BaseCommand):
    help = "Import mentors and mentees with their profiles from a CSV file into a program (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("program", help="The program's slug, e.g. ky-connections.")
        parser.add_argument("file", help="A UTF-8 CSV file with a header line.")
        parser.add_argument("--dry-run", action="store_true", help="Check and preview; write nothing.")

    def handle(self, *args, program, file, dry_run=False, verbosity=1, **options):
        try:
            target = Program.objects.get(slug=program)
        except Program.DoesNotExist:
            slugs = ", ".join(Program.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No program with the slug “{program}”. Programs: {slugs}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        result = participants_import(program=target, data=path.read_bytes(), dry_run=dry_run)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(result.summary())
        if verbosity > 1 or dry_run:
            for plan in result.plans:
                self.stdout.write(f"Row {plan.row}: {plan.name} <{plan.email}>, {plan.role} in {plan.cohort}: {'; '.join(plan.actions)}")
        prefix = "Dry run, nothing written. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{target.short_name}: {result.summary()}"))
