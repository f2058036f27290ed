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

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from ..models import CalendarFeedToken, Meeting, MeetingStatus, User
from ..selectors.meetings import meetings_for_user_feed

PRODID = "-//Mentoring programs//Meetings//EN"
# How far back the feed goes: enough for "when did we last meet?", small enough to stay fast.
FEED_HISTORY_DAYS = 365


def _calendar(name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    return cal


def meeting_summary(meeting: Meeting) -> str:
    mentorship = meeting.mentorship
    return (
        f"{meeting.get_kind_display()}: {mentorship.mentor.display_name} & {mentorship.mentee.display_name} "
        f"({mentorship.program.short_name})"
    )


def meeting_event(meeting: Meeting, *, now: datetime.datetime | None = None) -> Event:
    now = now or timezone.now()
    mentorship = meeting.mentorship
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", now.astimezone(datetime.UTC))
    event.add("summary", meeting_summary(meeting))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("duration", datetime.timedelta(minutes=meeting.duration_minutes))
    # A rescheduled event replaces the earlier version in the calendar; a
    # cancellation is one more change of the same event.
    event.add("sequence", meeting.rescheduled_count + (1 if meeting.status == MeetingStatus.CANCELLED else 0))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("categories", [mentorship.program.short_name])
    link = f"{settings.SITE_URL}{mentorship.get_absolute_url()}"
    event.add("url", link)
    event.add("description", f"{meeting.get_mode_display()} meeting, {meeting.duration_minutes} minutes.\n{link}")
    if meeting.location:
        event.add("location", meeting.location)
    return event


def meeting_ics(
    meeting: Meeting | None = None, *, meeting_id: int | None = None, now: datetime.datetime | None = None
) -> bytes:
    """One meeting as a calendar file; by object or by id (tasks pass ids)."""
    if meeting is None:
        meeting = Meeting.objects.select_related(
            "mentorship__program", "mentorship__mentor", "mentorship__mentee"
        ).get(pk=meeting_id)
    cal = _calendar()
    cal.add("method", "PUBLISH")
    cal.add_component(meeting_event(meeting, now=now))
    return cal.to_ical()


def feed_ics(*, user: User, now: datetime.datetime | None = None) -> bytes:
    """Every meeting of the person's mentorships from the last year on."""
    now = now or timezone.now()
    cal = _calendar(name="Mentoring meetings")
    since = now - datetime.timedelta(days=FEED_HISTORY_DAYS)
    for meeting in meetings_for_user_feed(user=user, since=since):
        cal.add_component(meeting_event(meeting, now=now))
    return cal.to_ical()


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
