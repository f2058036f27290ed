"""Meetings in Outlook and Google Calendar: a per-meeting .ics file and a private
feed per participant (RFC 5545, written with icalendar).

Events carry the meeting's stable UID, so a re-download or a feed refresh
updates the same event; SEQUENCE follows the reschedules. Notes never go into a
calendar (calendars are shared, synced and forwarded): an event says what,
when, how and with whom, and links back to the mentorship page.

The feed URL holds a secret token (`CalendarFeedToken`), because calendar apps
cannot sign in. Resetting the token makes the old URL answer 404.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from programs.calendars import calendar_entry, calendar_file

from ..models import CalendarFeedToken, Meeting, MeetingStatus, User
from ..selectors.meetings import meetings_for_user_feed

# How far back the feed goes: enough for "when did we last meet?", small enough to stay fast.
FEED_HISTORY_DAYS = 365


def meeting_summary(meeting: Meeting) -> str:
    mentorship = meeting.mentorship
    return (
        f"{meeting.get_kind_display()}: {mentorship.mentor.display_name} & {mentorship.mentee.display_name} "
        f"({mentorship.program.short_name})"
    )


def meeting_event(meeting: Meeting, *, now: datetime.datetime | None = None):
    mentorship = meeting.mentorship
    cancelled = meeting.status == MeetingStatus.CANCELLED
    return calendar_entry(
        uid=meeting.uid,
        summary=meeting_summary(meeting),
        starts_at=meeting.starts_at,
        duration=datetime.timedelta(minutes=meeting.duration_minutes),
        now=now or timezone.now(),
        path=mentorship.get_absolute_url(),
        details=f"{meeting.get_mode_display()} meeting, {meeting.duration_minutes} minutes.",
        location=meeting.location,
        categories=[mentorship.program.short_name],
        # A rescheduled event replaces the earlier version in the calendar; a
        # cancellation is one more change of the same event.
        sequence=meeting.rescheduled_count + (1 if cancelled else 0),
        cancelled=cancelled,
    )


def meeting_ics(
    meeting: Meeting | None = None, *, meeting_id: int | None = None, now: datetime.datetime | None = None
) -> bytes:
    """One meeting as a calendar file; by object or by id (tasks pass ids)."""
    if meeting is None:
        meeting = Meeting.objects.select_related(
            "mentorship__program", "mentorship__mentor", "mentorship__mentee"
        ).get(pk=meeting_id)
    return calendar_file(meeting_event(meeting, now=now))


def feed_ics(*, user: User, now: datetime.datetime | None = None) -> bytes:
    """Every meeting of the person's mentorships from the last year on."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=FEED_HISTORY_DAYS)
    entries = [meeting_event(meeting, now=now) for meeting in meetings_for_user_feed(user=user, since=since)]
    return calendar_file(*entries, name="Mentoring meetings", method=None)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_token_get(*, user: User) -> CalendarFeedToken:
    token, _ = CalendarFeedToken.objects.get_or_create(user=user, defaults={"token": _new_token()})
    return token


@transaction.atomic
def calendar_token_reset(*, user: User) -> CalendarFeedToken:
    """A new secret: the old feed URL stops working at once."""
    token, created = CalendarFeedToken.objects.select_for_update().get_or_create(
        user=user, defaults={"token": _new_token()}
    )
    if not created:
        token.token = _new_token()
        token.save(update_fields=["token"])
    return token
