"""Meetings and calls: scheduling, logging, rescheduling and
cancelling with the notice recorded (AAHPM: 48 hours), notes that stay with the
pair or their author, and a meetings list whose query count does not grow."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship import services
from mentorship.models import (
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingPrivateNote,
    MeetingStatus,
    MentorshipState,
    Notification,
)
from mentorship.tests.factories import UserFactory

from .builders import at, coordinator_of, met, pair_in, refused

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = at(2026, 4, 6, 10)


@pytest.fixture
def aahpm():
    with time_machine.travel(NOW, tick=False):
        yield pair_in("aahpm", D(2026, 3, 1))


@pytest.fixture
def ky():
    with time_machine.travel(NOW, tick=False):
        yield pair_in("ky-connections", D(2026, 1, 1))


def schedule(mentorship, by, starts_at, **kwargs):
    kwargs.setdefault("duration_minutes", 60)
    kwargs.setdefault("mode", MeetingMode.VIDEO)
    return services.meetings.meeting_schedule(mentorship=mentorship, by=by, starts_at=starts_at, **kwargs)


# ---------------------------------------------------------------------------
# Scheduling and logging
# ---------------------------------------------------------------------------


def test_either_partner_schedules_a_meeting_and_the_other_is_told(aahpm):
    with time_machine.travel(NOW, tick=False):
        meeting = schedule(aahpm, aahpm.mentee, at(2026, 4, 10, 15), kind=MeetingKind.DISCOVERY, location="Zoom")

    assert (meeting.status, meeting.kind, meeting.created_by) == (MeetingStatus.SCHEDULED, "discovery", aahpm.mentee)
    assert meeting.uid.endswith("@mentoring")
    told = Notification.objects.get(user=aahpm.mentor)
    assert told.subject == f"{aahpm.mentee.display_name} scheduled a discovery call"
    assert "10 Apr 2026, 15:00" in told.body


def test_a_meeting_cannot_be_scheduled_in_the_past(aahpm):
    with time_machine.travel(NOW, tick=False), refused(services.meetings.SCHEDULE_IN_PAST):
        schedule(aahpm, aahpm.mentor, at(2026, 4, 5, 15))


def test_a_meeting_that_happened_is_logged_with_a_private_note_for_its_author_only(aahpm):
    with time_machine.travel(NOW, tick=False):
        meeting = services.meetings.meeting_log(
            mentorship=aahpm,
            by=aahpm.mentor,
            starts_at=at(2026, 4, 2, 9),
            duration_minutes=50,
            kind=MeetingKind.DISCOVERY,
            mode=MeetingMode.PHONE,
            shared_notes="Agreed on six months.",
            private_note="She seems anxious about the boards.",
        )
    assert meeting.status == MeetingStatus.HELD
    assert list(MeetingPrivateNote.objects.values_list("author", "text")) == [
        (aahpm.mentor.pk, "She seems anxious about the boards.")
    ]


def test_a_future_meeting_cannot_be_logged(aahpm):
    with time_machine.travel(NOW, tick=False), refused(services.meetings.LOG_IN_FUTURE):
        services.meetings.meeting_log(
            mentorship=aahpm, by=aahpm.mentor, starts_at=at(2026, 4, 7), duration_minutes=30, mode=MeetingMode.PHONE
        )


def test_a_meeting_before_the_mentorship_started_cannot_be_logged(aahpm):
    with time_machine.travel(NOW, tick=False), refused(services.meetings.BEFORE_START.format(date="1 Mar 2026")):
        services.meetings.meeting_log(
            mentorship=aahpm, by=aahpm.mentor, starts_at=at(2026, 2, 27), duration_minutes=30, mode=MeetingMode.PHONE
        )


def test_a_second_discovery_call_is_refused(aahpm):
    met(aahpm, at(2026, 3, 5), kind=MeetingKind.DISCOVERY)
    with time_machine.travel(NOW, tick=False), refused(services.meetings.DISCOVERY_ALREADY_HELD.format(date="5 Mar 2026")):
        services.meetings.meeting_log(
            mentorship=aahpm,
            by=aahpm.mentee,
            starts_at=at(2026, 4, 1),
            duration_minutes=30,
            kind=MeetingKind.DISCOVERY,
            mode=MeetingMode.PHONE,
        )


@pytest.mark.parametrize(
    ("duration", "message"), [(0, services.DURATION_TOO_SHORT), (1441, services.DURATION_TOO_LONG)]
)
def test_a_meeting_lasts_between_a_minute_and_a_day(aahpm, duration, message):
    with time_machine.travel(NOW, tick=False), refused(message):
        schedule(aahpm, aahpm.mentor, at(2026, 4, 10), duration_minutes=duration)


def test_only_the_pair_schedules_and_only_while_active(aahpm):
    with time_machine.travel(NOW, tick=False):
        with refused(services.meetings.ONLY_THE_PAIR):
            schedule(aahpm, UserFactory(), at(2026, 4, 10))
        with refused(services.meetings.ONLY_THE_PAIR):
            schedule(aahpm, coordinator_of(aahpm.program), at(2026, 4, 10))
        aahpm.state, aahpm.ended_on = MentorshipState.ENDED_EARLY, D(2026, 4, 5)
        aahpm.save()
        with refused(services.meetings.MENTORSHIP_ENDED):
            schedule(aahpm, aahpm.mentor, at(2026, 4, 10))


def test_a_scheduled_meeting_is_marked_held_once_it_has_happened(ky):
    meeting = met(ky, at(2026, 4, 6, 9), 60, status=MeetingStatus.SCHEDULED)
    with time_machine.travel(at(2026, 4, 6, 8), tick=False), refused(
        services.meetings.NOT_YET_HAPPENED.format(when="6 Apr 2026, 09:00")
    ):
        services.meetings.meeting_mark_held(meeting=meeting, by=ky.mentee)
    with time_machine.travel(NOW, tick=False):
        services.meetings.meeting_mark_held(meeting=meeting, by=ky.mentee, duration_minutes=75)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.duration_minutes) == (MeetingStatus.HELD, 75)


# ---------------------------------------------------------------------------
# Notice: AAHPM "give 48 hours' notice and reschedule the missed call ASAP"
# ---------------------------------------------------------------------------


def test_rescheduling_records_the_notice_and_flags_less_than_48_hours(aahpm):
    meeting = met(aahpm, at(2026, 4, 7, 6), status=MeetingStatus.SCHEDULED)  # 20 hours from NOW
    with time_machine.travel(NOW, tick=False):
        meeting = services.meetings.meeting_reschedule(
            meeting=meeting, by=aahpm.mentor, starts_at=at(2026, 4, 9, 10), reason="Clinic overran."
        )
    assert meeting.last_change_notice_hours == 20.0
    assert meeting.rescheduled_count == 1
    assert services.meetings.is_short_notice(meeting=meeting)
    told = Notification.objects.get(user=aahpm.mentee)
    assert "Clinic overran." in told.body
    assert (
        "AAHPM asks for 48 hours' notice; this was 20 hours. Please reschedule the missed call as soon as possible."
        in told.body
    )


def test_rescheduling_with_three_days_notice_is_fine(aahpm):
    meeting = met(aahpm, at(2026, 4, 9, 10), status=MeetingStatus.SCHEDULED)
    with time_machine.travel(NOW, tick=False):
        meeting = services.meetings.meeting_reschedule(meeting=meeting, by=aahpm.mentee, starts_at=at(2026, 4, 16, 10))
    assert meeting.last_change_notice_hours == 72.0
    assert not services.meetings.is_short_notice(meeting=meeting)


def test_a_program_without_a_notice_rule_never_flags_short_notice(ky):
    meeting = met(ky, at(2026, 4, 6, 11), status=MeetingStatus.SCHEDULED)
    with time_machine.travel(NOW, tick=False):
        meeting = services.meetings.meeting_cancel(meeting=meeting, by=ky.mentor)
    assert meeting.last_change_notice_hours == 1.0
    assert not services.meetings.is_short_notice(meeting=meeting)


def test_a_meeting_cannot_be_rescheduled_into_the_past_or_once_cancelled(aahpm):
    meeting = met(aahpm, at(2026, 4, 9, 10), status=MeetingStatus.SCHEDULED)
    with time_machine.travel(NOW, tick=False):
        with refused(services.meetings.RESCHEDULE_IN_PAST):
            services.meetings.meeting_reschedule(meeting=meeting, by=aahpm.mentor, starts_at=at(2026, 4, 1))
        services.meetings.meeting_cancel(meeting=meeting, by=aahpm.mentor)
        with refused(services.meetings.NOT_SCHEDULED.format(status="cancelled", action="rescheduled")):
            services.meetings.meeting_reschedule(meeting=meeting, by=aahpm.mentor, starts_at=at(2026, 4, 20))


def test_a_short_notice_cancellation_asks_on_the_page_to_reschedule_until_a_new_meeting_is_planned(client, aahpm):
    meeting = met(aahpm, at(2026, 4, 7, 6), status=MeetingStatus.SCHEDULED)
    client.force_login(aahpm.mentee)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("meetings:cancel", kwargs={"pk": meeting.pk}), {"reason": "Sick"}, follow=True)
        page = response.content.decode()
        assert "AAHPM asks for 48 hours&#x27; notice; this was 20 hours." in page
        meeting.refresh_from_db()
        assert (meeting.status, meeting.last_change_notice_hours) == (MeetingStatus.CANCELLED, 20.0)

        detail = client.get(aahpm.get_absolute_url()).content.decode()
        assert "was cancelled at short notice" in detail
        assert "Schedule it again" in detail

        schedule(aahpm, aahpm.mentee, at(2026, 4, 9, 10))
        assert "was cancelled at short notice" not in client.get(aahpm.get_absolute_url()).content.decode()


def test_the_reschedule_page_warns_before_a_short_notice_move(client, aahpm):
    meeting = met(aahpm, at(2026, 4, 7, 6), status=MeetingStatus.SCHEDULED)
    client.force_login(aahpm.mentor)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("meetings:reschedule", kwargs={"pk": meeting.pk})).content.decode()
        assert "AAHPM asks for 48 hours' notice; moving it now gives 20 hours." in page
        response = client.post(
            reverse("meetings:reschedule", kwargs={"pk": meeting.pk}), {"starts_at": "2026-04-08T10:00"}
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == at(2026, 4, 8, 10)


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


def test_the_form_schedules_or_logs(client, aahpm):
    client.force_login(aahpm.mentor)
    url = reverse("meetings:new", kwargs={"pk": aahpm.pk})
    base = {"duration_minutes": 45, "kind": "discovery", "mode": "phone", "location": "", "shared_notes": "", "private_note": ""}
    with time_machine.travel(NOW, tick=False):
        assert 'value="discovery" selected' in client.get(url, {"kind": "discovery"}).content.decode()
        response = client.post(url, {**base, "status": "scheduled", "starts_at": "2026-04-01T10:00"})
        assert response.status_code == 200
        assert services.meetings.SCHEDULE_IN_PAST in response.content.decode()
        response = client.post(url, {**base, "status": "held", "starts_at": "2026-04-01T10:00"})
    meeting = Meeting.objects.get()
    assert response.url == reverse("meetings:detail", kwargs={"pk": meeting.pk})
    assert (meeting.status, meeting.duration_minutes, meeting.starts_at) == ("held", 45, at(2026, 4, 1, 10))


@pytest.mark.parametrize(
    ("minutes", "message"), [("1441", services.DURATION_TOO_LONG), ("0", services.DURATION_TOO_SHORT)]
)
def test_the_meeting_form_says_how_long_a_meeting_may_be_in_words(client, aahpm, minutes, message):
    client.force_login(aahpm.mentor)
    url = reverse("meetings:new", kwargs={"pk": aahpm.pk})
    data = {"status": "held", "starts_at": "2026-04-01T10:00", "duration_minutes": minutes, "kind": "checkin",
            "mode": "phone", "location": "", "shared_notes": "", "private_note": ""}

    with time_machine.travel(NOW, tick=False):
        body = client.post(url, data).content.decode()

    assert message in body
    assert "less than or equal" not in body and "greater than or equal" not in body
    assert not Meeting.objects.exists()


def test_private_notes_are_for_their_author_alone(client, aahpm):
    meeting = met(aahpm, at(2026, 3, 20), shared_notes="We covered the boards.")
    MeetingPrivateNote.objects.create(meeting=meeting, author=aahpm.mentor, text="MENTOR-ONLY-THOUGHT")
    url = reverse("meetings:detail", kwargs={"pk": meeting.pk})

    client.force_login(aahpm.mentor)
    assert "MENTOR-ONLY-THOUGHT" in client.get(url).content.decode()
    client.force_login(aahpm.mentee)
    page = client.get(url).content.decode()
    assert "We covered the boards." in page
    assert "MENTOR-ONLY-THOUGHT" not in page
    client.post(reverse("meetings:note", kwargs={"pk": meeting.pk}), {"text": "MENTEE-ONLY"})
    assert MeetingPrivateNote.objects.filter(author=aahpm.mentee, text="MENTEE-ONLY").exists()
    client.force_login(aahpm.mentor)
    assert "MENTEE-ONLY" not in client.get(url).content.decode()


def test_an_empty_private_note_deletes_it(aahpm):
    meeting = met(aahpm, at(2026, 3, 20))
    services.meetings.meeting_note_set(meeting=meeting, author=aahpm.mentee, text="draft")
    services.meetings.meeting_note_set(meeting=meeting, author=aahpm.mentee, text="   ")
    assert not MeetingPrivateNote.objects.exists()


def test_the_coordinator_sees_that_meetings_happened_and_their_durations_never_notes(client, aahpm):
    meeting = met(aahpm, at(2026, 3, 20), 47, shared_notes="SHARED-SECRET", location="Room 12, SECRET-ADDRESS")
    MeetingPrivateNote.objects.create(meeting=meeting, author=aahpm.mentor, text="PRIVATE-SECRET")
    client.force_login(coordinator_of(aahpm.program))

    for url in (reverse("meetings:list", kwargs={"pk": aahpm.pk}), aahpm.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "47" in page and "Check-in" in page
        for secret in ("SHARED-SECRET", "PRIVATE-SECRET", "SECRET-ADDRESS"):
            assert secret not in page
    assert client.get(reverse("meetings:detail", kwargs={"pk": meeting.pk})).status_code == 404


def _fill(mentorship, count):
    for n in range(count):
        meeting = met(mentorship, at(2026, 3, 1) + datetime.timedelta(hours=n), 30, shared_notes=f"notes {n}")
        MeetingPrivateNote.objects.create(meeting=meeting, author=mentorship.mentor, text=f"mine {n}")


@pytest.mark.parametrize("who", ["mentor", "coordinator"])
def test_the_meetings_list_keeps_its_query_count_as_meetings_grow(client, who):
    def count(mentorship):
        user = mentorship.mentor if who == "mentor" else coordinator_of(mentorship.program)
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("meetings:list", kwargs={"pk": mentorship.pk}))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    with time_machine.travel(NOW, tick=False):
        small, large = pair_in("ky-connections", D(2026, 1, 1)), pair_in("ky-connections", D(2026, 1, 1))
        _fill(small, 3)
        _fill(large, 30)
        assert count(small) == count(large)


def test_the_meetings_page_shows_contact_per_month_against_the_minimum(client):
    with time_machine.travel(NOW, tick=False):
        ky = pair_in("ky-connections", D(2026, 3, 1))
    met(ky, at(2026, 3, 20), 45)
    client.force_login(ky.mentee)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("meetings:list", kwargs={"pk": ky.pk})).content.decode()
    row = re.search(r'<tr class="table-warning">\s*<td>March 2026</td><td class="text-end">1</td><td class="text-end">45</td>', page)
    assert row, "March is marked under the 60-minute minimum"
    assert "Met 45 of 60 minutes in March 2026" in page
