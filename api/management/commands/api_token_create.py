"""Create an API token from the shell, as the admin's "Add API token" does:

    python manage.py api_token_create ky-connections coordinator.ky@example.org [--write] [--days 90] [--name NAME]

Prints the key once; only its hash is kept. The coordinator must run the program.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.tokens import token_create
from mentorship.models import User
from programs.errors import RuleViolation
from programs.models import Program


class Command(BaseCommand):
    help = "Create an API token for a program, acting for one of its coordinators; prints the key once."

    def add_arguments(self, parser):
        parser.add_argument("program", help="the program's slug, e.g. ky-connections")
        parser.add_argument("coordinator", help="the email of a coordinator of that program")
        parser.add_argument("--write", action="store_true", help="read-write (default: read-only)")
        parser.add_argument("--days", type=int, default=90, help="days until it expires (at most 366)")
        parser.add_argument("--name", default="Created from the command line")

    def handle(self, *args, **options):
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"No program {options['program']!r}: {', '.join(Program.objects.values_list('slug', flat=True))}.")
        user = User.objects.filter(email__iexact=options["coordinator"]).first()
        if user is None:
            raise CommandError(f"No one signs in as {options['coordinator']}.")
        try:
            token, key = token_create(
                program=program,
                by=user,
                name=options["name"],
                can_write=options["write"],
                expires_at=timezone.now() + datetime.timedelta(days=options["days"]),
            )
        except RuleViolation as error:
            raise CommandError(error.message)
        self.stderr.write(
            f"{'Read-write' if token.can_write else 'Read-only'} token for {program.short_name}, "
            f"expires {timezone.localtime(token.expires_at):%Y-%m-%d}. The key (shown once):"
        )
        self.stdout.write(key)
