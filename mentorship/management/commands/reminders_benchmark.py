"""Plan and queue the monthly reminders for many active mentorships, and time it.

    python manage.py reminders_benchmark --mentorships 100000 [--json]

Creates the mentorships in bulk (once; in a scratch database: VAR_DIR=/tmp/x
or a DATABASE_URL of its own), all quiet and due for a monthly check-in, then
times `reminders_plan`: compliance for every active mentorship in batches,
claiming one row per reminder, and queueing the send tasks on the configured
broker. Sending the mail is not part of the figure. A second run is timed too:
everything is already claimed, so it must queue nothing.

Query logging is switched off for the timed runs, as in production (DEBUG off):
with it on, Django formats every statement's parameters for connection.queries.
Memory is the process's peak RSS; `--trace-memory` adds Python's own peak from
tracemalloc, which slows the run about twofold, so its time is not the figure.
"""

import datetime
import json
import resource
import time
import tracemalloc

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from mentorship.models import Mentorship, MentorshipOrigin, MentorshipState, ReminderDelivery, User
from mentorship.services import reminders
from programs.models import Cohort, Program
from programs.rules import add_months

DOMAIN = "bench.example.org"


class Command(BaseCommand):
    help = "Time planning and queueing the check-in reminders for N active mentorships."

    def add_arguments(self, parser):
        parser.add_argument("--mentorships", type=int, default=100_000)
        parser.add_argument("--json", action="store_true", dest="as_json")
        parser.add_argument("--trace-memory", action="store_true", help="Also report Python's peak (slower).")

    def handle(self, *args, **options):
        with override_settings(DEBUG=False):
            self._run(**options)

    def _run(self, *, mentorships: int, as_json: bool = False, trace_memory: bool = False, **options):
        created = self._ensure(mentorships)
        ReminderDelivery.objects.filter(user__email__endswith=f"@{DOMAIN}").delete()
        today = timezone.localdate()
        rss_before = _rss_mb()

        if trace_memory:
            tracemalloc.start()
        started = time.perf_counter()
        first = reminders.reminders_plan(today=today)
        first_seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace_memory else None
        tracemalloc.stop()
        started = time.perf_counter()
        second = reminders.reminders_plan(today=today)
        second_seconds = time.perf_counter() - started
        figures = {
            "mentorships": Mentorship.objects.filter(state=MentorshipState.ACTIVE).count(),
            "created_now": created,
            "planned": first["planned"],
            "claimed": first["claimed"],
            "tasks_queued": first["tasks"],
            "seconds": round(first_seconds, 2),
            "python_peak_mb": round(peak / 2**20, 1) if peak is not None else None,
            "rss_before_mb": round(rss_before, 1),
            "peak_rss_mb": round(_rss_mb(), 1),
            "second_run_claimed": second["claimed"],
            "second_run_seconds": round(second_seconds, 2),
        }
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            f"Reminders for {figures['mentorships']:,} active mentorships:\n"
            f"  planned {figures['planned']:,}, claimed {figures['claimed']:,}, "
            f"{figures['tasks_queued']:,} send tasks queued in {figures['seconds']:.1f} s\n"
            f"  memory: process peak RSS {figures['peak_rss_mb']:.0f} MB ({figures['rss_before_mb']:.0f} MB before planning)"
            + (f", Python peak {figures['python_peak_mb']:.0f} MB" if peak is not None else "")
            + "\n"
            f"  second run: claimed {figures['second_run_claimed']} in {figures['second_run_seconds']:.1f} s (exactly once)"
        )

    @transaction.atomic
    def _ensure(self, count: int) -> int:
        have = Mentorship.objects.filter(mentee__email__endswith=f"@{DOMAIN}", state=MentorshipState.ACTIVE).count()
        if have >= count:
            return 0
        start = User.objects.filter(email__startswith="mentee-", email__endswith=f"@{DOMAIN}").count()
        quiet_pairs_create(count - have, domain=DOMAIN, cohort_name="Reminders benchmark", start=start)
        return count - have


def quiet_pairs_create(count: int, *, domain: str, cohort_name: str, slug: str = "aahpm", start: int = 0) -> list:
    """`count` active mentorships of a monthly program (AAHPM by default), started
    60 days ago for six months and never met, so each partner is due a check-in reminder: new
    people mentee-N@domain and mentor-N@domain (two mentees each, AAHPM's cap),
    inserted in bulk. The reminders benchmark and the fault scripts use it."""
    program = Program.objects.get(slug=slug)
    today = timezone.localdate()
    cohort, _ = Cohort.objects.get_or_create(
        program=program,
        name=cohort_name,
        defaults={"starts_on": today - datetime.timedelta(days=400), "ends_on": today + datetime.timedelta(days=400)},
    )
    password = make_password(None)
    mentees = User.objects.bulk_create(
        [
            User(email=f"mentee-{start + n}@{domain}", password=password, first_name="Mentee", last_name=str(start + n))
            for n in range(count)
        ],
        batch_size=5000,
    )
    mentors = User.objects.bulk_create(
        [
            User(email=f"mentor-{start + n}@{domain}", password=password, first_name="Mentor", last_name=str(start + n))
            for n in range((count + 1) // 2)
        ],
        batch_size=5000,
    )
    return Mentorship.objects.bulk_create(
        [
            Mentorship(
                program=program,
                cohort=cohort,
                mentor=mentors[n // 2],
                mentee=mentee,
                mentor_slot=n % 2 + 1,
                mentee_slot=1,
                state=MentorshipState.ACTIVE,
                origin=MentorshipOrigin.COORDINATOR,
                started_on=today - datetime.timedelta(days=60),  # quiet since: a monthly check-in is overdue
                # Six months agreed at the start: only the check-in is due, not the duration nudge.
                agreed_duration_months=6,
                planned_end_on=add_months(today - datetime.timedelta(days=60), 6),
            )
            for n, mentee in enumerate(mentees)
        ],
        batch_size=5000,
    )


def _rss_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
