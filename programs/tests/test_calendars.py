"""programs/calendars.py: the one .ics builder, for program events and meetings alike."""

import datetime

import pytest
from icalendar import Calendar

from mentorship.services.calendars import feed_ics, meeting_ics
from mentorship.tests.builders import at, met, pair_in
from programs import calendars
from programs.events import event_ics
from programs.models import Event

pytestmark = pytest.mark.django_db


def parsed(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_events_and_meetings_come_out_of_the_same_builder():
    pair = pair_in("ky-connections", datetime.date(2026, 1, 5))
    meeting = met(pair, at(2026, 3, 10, 15), minutes=45)
    event = Event.objects.create(
        program=pair.program, title="Chapter meeting", starts_at=at(2026, 3, 12, 12), ends_at=at(2026, 3, 12, 13)
    )

    for data, uid in ((meeting_ics(meeting), meeting.uid), (event_ics(event=event), event.uid)):
        calendar = parsed(data)
        assert str(calendar["PRODID"]) == calendars.PRODID and str(calendar["METHOD"]) == "PUBLISH"
        [entry] = calendar.walk("VEVENT")
        assert str(entry["UID"]) == uid
        assert entry.decoded("DTSTART").utcoffset() == datetime.timedelta(0)  # UTC; each calendar shows its zone
        assert str(entry["URL"]) in str(entry["DESCRIPTION"])


def test_a_feed_is_named_and_has_no_method():
    pair = pair_in("aahpm", datetime.date(2026, 1, 5))
    met(pair, at(2026, 3, 10, 15))

    calendar = parsed(feed_ics(user=pair.mentor, now=at(2026, 3, 11)))

    assert str(calendar["X-WR-CALNAME"]) == "Mentoring meetings" and "METHOD" not in calendar
    assert len(calendar.walk("VEVENT")) == 1
