"""Calendar files (RFC 5545, written with icalendar): the one builder every .ics
of the product goes through — a program event's, a meeting's, a person's feed.

An entry carries a stable UID, so a re-download or a feed refresh updates the
same entry in Outlook, Google or Apple Calendar; times are written in UTC and
shown by each calendar in its owner's zone; the URL leads back to the page.
"""

import datetime

from django.conf import settings
from icalendar import Calendar, Event

PRODID = "-//Mentoring programs//Calendar//EN"


def calendar_new(*, name: str | None = None, method: str | None = "PUBLISH") -> Calendar:
    """An empty calendar; `name` for a subscribed feed, `method` for a single file."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def calendar_entry(
    *,
    uid: str,
    summary: str,
    starts_at: datetime.datetime,
    now: datetime.datetime,
    path: str,
    details: str = "",
    ends_at: datetime.datetime | None = None,
    duration: datetime.timedelta | None = None,
    location: str = "",
    categories: list[str] | tuple = (),
    sequence: int | None = None,
    cancelled: bool | None = None,
) -> Event:
    """One entry; `path` is the page it links back to, `details` the text before the link.
    A `sequence` (with `cancelled`) replaces an earlier version of the same UID."""
    entry = Event()
    entry.add("uid", uid)
    entry.add("dtstamp", now.astimezone(datetime.UTC))
    entry.add("summary", summary)
    entry.add("dtstart", starts_at.astimezone(datetime.UTC))
    if ends_at is not None:
        entry.add("dtend", ends_at.astimezone(datetime.UTC))
    if duration is not None:
        entry.add("duration", duration)
    if sequence is not None:
        entry.add("sequence", sequence)
    if cancelled is not None:
        entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if categories:
        entry.add("categories", list(categories))
    link = f"{settings.SITE_URL}{path}"
    entry.add("url", link)
    entry.add("description", f"{details}\n\n{link}" if details else link)
    if location:
        entry.add("location", location)
    return entry


def calendar_file(*entries: Event, name: str | None = None, method: str | None = "PUBLISH") -> bytes:
    calendar = calendar_new(name=name, method=method)
    for entry in entries:
        calendar.add_component(entry)
    return calendar.to_ical()
