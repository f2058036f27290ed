"""Meetings in calendars: the .ics of a meeting and each participant's
private feed, parsed back with icalendar; the secret in the feed URL."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from mentorship import services
from mentorship.models import CalendarFeedToken, MeetingKind, MeetingPrivateNote, MeetingStatus

from .builders import at, met, pair_in

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = at(2026, 4, 6, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mentorship():
    return pair_in("aahpm", D(2026, 3, 1))


def events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def test_a_meetings_ics_parses_back_with_summary_start_duration_and_uid(client, mentorship):
    meeting = met(
        mentorship,
        at(2026, 4, 9, 15, 30),
        45,
        kind=MeetingKind.DISCOVERY,
        status=MeetingStatus.SCHEDULED,
        location="https://video.example/abc",
        shared_notes="SHARED-NOTE",
    )
    MeetingPrivateNote.objects.create(meeting=meeting, author=mentorship.mentor, text="PRIVATE-NOTE")
    client.force_login(mentorship.mentee)

    response = client.get(reverse("meetings:ics", kwargs={"pk": meeting.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    (event,) = events(response.content)
    assert str(event["summary"]) == (
        f"Discovery call: {mentorship.mentor.display_name} & {mentorship.mentee.display_name} (AAHPM)"
    )
    assert event.decoded("dtstart") == at(2026, 4, 9, 15, 30)
    assert event.decoded("duration") == datetime.timedelta(minutes=45)
    assert str(event["uid"]) == meeting.uid
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["location"]) == "https://video.example/abc"
    assert b"SHARED-NOTE" not in response.content and b"PRIVATE-NOTE" not in response.content


def test_the_uid_is_stable_and_the_sequence_follows_reschedules_and_cancelling(mentorship):
    meeting = met(mentorship, at(2026, 4, 9, 15), status=MeetingStatus.SCHEDULED)
    (first,) = events(services.calendars.meeting_ics(meeting))
    (again,) = events(services.calendars.meeting_ics(meeting))
    assert str(first["uid"]) == str(again["uid"]) == meeting.uid

    meeting = services.meetings.meeting_reschedule(meeting=meeting, by=mentorship.mentor, starts_at=at(2026, 4, 10, 15))
    (moved,) = events(services.calendars.meeting_ics(meeting))
    assert str(moved["uid"]) == meeting.uid
    assert moved.decoded("dtstart") == at(2026, 4, 10, 15)
    assert int(moved["sequence"]) == int(first["sequence"]) + 1

    meeting = services.meetings.meeting_cancel(meeting=meeting, by=mentorship.mentee)
    (cancelled,) = events(services.calendars.meeting_ics(meeting))
    assert str(cancelled["status"]) == "CANCELLED"
    assert int(cancelled["sequence"]) == int(moved["sequence"]) + 1


def test_the_private_feed_lists_the_persons_meetings_and_nobody_elses(client, mentorship):
    mine = met(mentorship, at(2026, 4, 9, 15), status=MeetingStatus.SCHEDULED, shared_notes="SHARED-NOTE")
    held = met(mentorship, at(2026, 3, 9, 15))
    other_pair = pair_in("aahpm", D(2026, 3, 1))
    theirs = met(other_pair, at(2026, 4, 9, 15), status=MeetingStatus.SCHEDULED)
    old = met(mentorship, at(2025, 1, 9, 15))  # more than a year back: out of the feed
    token = services.calendars.calendar_token_get(user=mentorship.mentee).token

    response = client.get(reverse("calendar:feed", kwargs={"token": token}))  # no sign-in

    assert response.status_code == 200
    uids = {str(e["uid"]) for e in events(response.content)}
    assert uids == {mine.uid, held.uid}
    assert theirs.uid not in uids and old.uid not in uids
    assert b"SHARED-NOTE" not in response.content
    assert str(Calendar.from_ical(response.content)["x-wr-calname"]) == "Mentoring meetings"


@pytest.mark.parametrize("token", ["wrong", "A" * 43, "A" * 80])
def test_a_feed_url_with_a_wrong_token_is_404(client, mentorship, token):
    services.calendars.calendar_token_get(user=mentorship.mentee)
    assert client.get(reverse("calendar:feed", kwargs={"token": token})).status_code == 404


def test_resetting_the_token_retires_the_old_url(client, mentorship):
    old = services.calendars.calendar_token_get(user=mentorship.mentor).token
    client.force_login(mentorship.mentor)
    client.post(reverse("calendar:reset"))
    new = CalendarFeedToken.objects.get(user=mentorship.mentor).token

    assert new != old
    client.logout()
    assert client.get(reverse("calendar:feed", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("calendar:feed", kwargs={"token": new})).status_code == 200


def test_an_inactive_persons_feed_is_404(client, mentorship):
    token = services.calendars.calendar_token_get(user=mentorship.mentor).token
    mentorship.mentor.is_active = False
    mentorship.mentor.save()
    assert client.get(reverse("calendar:feed", kwargs={"token": token})).status_code == 404


def test_the_calendar_page_shows_the_persons_private_address(client, mentorship):
    client.force_login(mentorship.mentee)
    page = client.get(reverse("calendar:settings")).content.decode()
    token = CalendarFeedToken.objects.get(user=mentorship.mentee).token
    assert f"http://testserver/calendar/feed/{token}.ics" in page
    assert f"webcal://testserver/calendar/feed/{token}.ics" in page


def test_a_task_gets_the_same_ics_by_meeting_id(mentorship):
    meeting = met(mentorship, at(2026, 4, 9, 15), status=MeetingStatus.SCHEDULED)
    assert services.calendars.meeting_ics(meeting_id=meeting.pk, now=NOW) == services.calendars.meeting_ics(meeting, now=NOW)
