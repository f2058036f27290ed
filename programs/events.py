"""Program events: RSVPs, attendance and the calendar file of an event.

Who may see an event is a read with its access check, in `selectors`
(`events_for_user`, `event_get_for_user`); the changes are here.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from .calendars import calendar_entry, calendar_file
from .errors import RuleViolation
from .models import Event, EventAttendance, Rsvp

EVENT_OVER = "{event} has already taken place; RSVPs are closed."
NOT_AN_ANSWER = "Answer yes, maybe or no."


@transaction.atomic
def event_rsvp(*, event: Event, user, answer: str, now: datetime.datetime | None = None) -> EventAttendance:
    """Record (or change) a person's answer; visibility is checked by the caller's selector."""
    now = now or timezone.now()
    if answer not in Rsvp.values:
        raise RuleViolation(NOT_AN_ANSWER, code="rsvp")
    if event.ends_at <= now:
        raise RuleViolation(EVENT_OVER.format(event=event.title), code="event_over")
    attendance, created = EventAttendance.objects.select_for_update().get_or_create(
        event=event, user=user, defaults={"rsvp": answer, "rsvp_at": now}
    )
    if not created and attendance.rsvp != answer:
        attendance.rsvp = answer
        attendance.rsvp_at = now
        attendance.save(update_fields=["rsvp", "rsvp_at"])
    return attendance


@transaction.atomic
def event_attendance_mark(*, event: Event, user_ids, attended: bool = True) -> int:
    """Mark who came (the coordinator's roll call); creates rows for people who never answered."""
    user_ids = set(user_ids)
    existing = set(EventAttendance.objects.filter(event=event, user_id__in=user_ids).values_list("user_id", flat=True))
    EventAttendance.objects.bulk_create(
        [EventAttendance(event=event, user_id=pk, attended=attended) for pk in sorted(user_ids - existing)]
    )
    EventAttendance.objects.filter(event=event, user_id__in=existing).exclude(attended=attended).update(
        attended=attended
    )
    return len(user_ids)


def event_calendar_entry(event: Event, *, now: datetime.datetime | None = None):
    return calendar_entry(
        uid=event.uid,
        summary=event.program.titled(event.title),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        now=now or timezone.now(),
        path=event.get_absolute_url(),
        details=event.description,
        location=event.location,
        categories=[event.program.short_name, event.get_kind_display()],
    )


def event_ics(*, event: Event, now: datetime.datetime | None = None) -> bytes:
    """One event as an RFC 5545 calendar file (Outlook, Google Calendar, Apple Calendar)."""
    return calendar_file(event_calendar_entry(event, now=now))
