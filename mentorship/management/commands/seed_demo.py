"""Demo data: a living world for each of the five programs, dated relative to
today (mentorship/demo/). Idempotent: running it again creates nothing twice."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from mentorship.demo import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Load the demo: people, cohorts, pairs, meetings, agreements, surveys and match runs (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument(
            "--people-only",
            action="store_true",
            help="Only the people, cohorts and enrolments, no pairs or history (for tests that build their own).",
        )

    def handle(self, *args, quiet=False, people_only=False, **options):
        started = time.perf_counter()
        with transaction.atomic():
            logins = seed(worlds=not people_only)
        self.logins = logins
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Sign in at {settings.SITE_URL}/ with:"))
        width = max(len(label) for label, _ in logins)
        for label, email in logins:
            self.stdout.write(f"  {label.ljust(width)}  {email}")
        self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write("  (every program also has mentor1..4 and mentee1..4, e.g. mentee2.hhs@example.org)")
        self.stdout.write(f"  ({time.perf_counter() - started:.1f} s)")
