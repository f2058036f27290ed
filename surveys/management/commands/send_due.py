"""Run the planning beat runs, for a given day: the ends of pairs whose time is
up, check-in, meeting and event reminders, the asks of the mentorship's term
(extend or close, continue or end, the agreed duration), coordinators' digests,
surveys that fell due and survey reminders.

    python manage.py send_due --date 2026-04-01 --dry-run

For deployments that prefer cron to Celery beat, and for checking what would
go out. It calls the same services as the beat tasks, so a day run by both
sends nothing twice. A dry run prints the plan and writes nothing.
"""

import argparse
import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from surveys import services


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be YYYY-MM-DD, not “{value}”")


class Command(BaseCommand):
    help = (
        "End the pairs whose time is up and send what is due on a day (reminders, digests, surveys); "
        "--dry-run prints it and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_date, default=None, help="The day to plan for (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would go out; write nothing.")

    def handle(self, *args, date=None, dry_run=False, **options):
        today = date or timezone.localdate()
        verb = "Would send" if dry_run else "Sent"

        from mentorship.services import mentorships_end_due
        from mentorship.services.reminders import reminders_plan

        # First, as beat does just after midnight: a pair whose time is up ends, so
        # nothing below is planned for it but what its program sends at the end.
        ended = mentorships_end_due(today=today, dry_run=dry_run)
        self.stdout.write(f"Mentorships {'to end' if dry_run else 'ended'} on {today:%Y-%m-%d}: {len(ended)}.")
        for m in ended:
            self.stdout.write(f"  {m.program.short_name}: {m.mentor} and {m.mentee} (planned end {m.planned_end_on})")

        now = timezone.now()
        if today != timezone.localdate():
            now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8, 0)))
        planned = reminders_plan(today=today, now=now, dry_run=dry_run)
        self.stdout.write(
            f"Reminders due on {today:%Y-%m-%d}: {planned['planned']} planned, "
            f"{planned['claimed']} new (the rest went out before)."
        )
        for item in planned["preview"]:
            self.stdout.write(f"  {item.kind}: {item.subject} → user {item.user_id}")

        dispatch = services.survey_dispatch_due(today=today, dry_run=dry_run)
        self.stdout.write(f"Surveys due on {today:%Y-%m-%d}: {len(dispatch.planned)} new invitation(s).")
        for due in dispatch.planned:
            self.stdout.write(f"  {due.describe()}")

        reminders = services.survey_reminders_send(today=today, dry_run=dry_run)
        self.stdout.write(f"Survey reminders: {len(reminders.planned)}.")
        for invitation, number in reminders.planned:
            self.stdout.write(
                f"  reminder {number}: {invitation.survey.program.short_name} “{invitation.survey.title}” → "
                f"{invitation.recipient.email} (sent {timezone.localtime(invitation.sent_at):%Y-%m-%d})"
            )
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written or sent."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{verb} {dispatch.sent} survey link(s) and {reminders.sent} reminder(s).")
            )
