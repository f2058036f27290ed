"""Program events: the seeded KY and HPMSNJ events, who sees them on
the site, RSVP, the .ics file, the reminder selector and the events admin."""

import datetime
import zoneinfo
from http import HTTPStatus

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentorship.tests.factories import UserFactory
from programs import events as event_services
from programs.errors import RuleViolation
from programs.models import EnrollmentState, Event, EventAttendance, EventKind, Role, Rsvp
from programs.selectors import event_get_for_user, events_due_for_reminder, events_for_user
from programs.tests.factories import CohortFactory, CoordinatorFactory, EnrollmentFactory, seeded

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("America/New_York")
YEAR = timezone.localdate().year


def test_ky_has_twelve_monthly_events_of_the_documented_kinds():
    events = list(Event.objects.filter(program=seeded("ky-connections")).order_by("starts_at"))

    assert len(events) == 12
    months = [timezone.localtime(e.starts_at).month for e in events]
    assert months == list(range(1, 13))
    assert all(timezone.localtime(e.starts_at).year == YEAR for e in events)
    kinds = {timezone.localtime(e.starts_at).month: e.kind for e in events}
    # seeds/004: socials Jan (kick-off), Apr, Jul, Oct; lunch and learns Feb, May, Aug, Nov;
    # KY IPMA-HR meetings Mar, Jun, Sep, Dec.
    assert kinds[1] == EventKind.KICK_OFF
    assert [m for m, k in kinds.items() if k == EventKind.SOCIAL] == [4, 7, 10]
    assert [m for m, k in kinds.items() if k == EventKind.LUNCH_AND_LEARN] == [2, 5, 8, 11]
    assert [m for m, k in kinds.items() if k == EventKind.CHAPTER_MEETING] == [3, 6, 9, 12]
    assert all(e.ends_at > e.starts_at and e.cohort is None for e in events)


def test_hpmsnj_has_its_october_dinner():
    events = list(Event.objects.filter(program=seeded("hpmsnj")))

    assert len(events) == 1
    dinner = events[0]
    assert dinner.kind == EventKind.ANNUAL_DINNER
    assert timezone.localtime(dinner.starts_at).month == 10
    assert "dinner" in dinner.title.lower()


def test_other_programs_have_no_seeded_events():
    assert not Event.objects.exclude(program__slug__in=["ky-connections", "hpmsnj"]).exists()


class World:
    def __init__(self):
        self.ky, self.hhs = seeded("ky-connections"), seeded("hhs")
        self.cohort = CohortFactory(program=self.ky, starts_on=datetime.date(YEAR, 1, 1), ends_on=datetime.date(YEAR, 12, 31))
        self.other_cohort = CohortFactory(program=self.ky, name="Spring intake")
        self.hhs_cohort = CohortFactory(program=self.hhs)
        self.member = UserFactory(email="member@ky.example")
        EnrollmentFactory(user=self.member, cohort=self.cohort, role=Role.MENTEE)
        self.applicant = UserFactory(email="applicant@ky.example")
        EnrollmentFactory(user=self.applicant, cohort=self.cohort, state=EnrollmentState.APPLIED)
        self.outsider = UserFactory(email="hhs@hhs.example")
        EnrollmentFactory(user=self.outsider, cohort=self.hhs_cohort)
        self.sponsor = CoordinatorFactory(program=self.ky).user
        self.hhs_coordinator = CoordinatorFactory(program=self.hhs).user
        start = timezone.make_aware(datetime.datetime(YEAR, 12, 30, 17, 0))
        self.event = Event.objects.create(
            program=self.ky, kind=EventKind.SOCIAL, title="Year-end social", starts_at=start,
            ends_at=start + datetime.timedelta(hours=2), location="Frankfort, KY",
        )
        self.cohort_event = Event.objects.create(
            program=self.ky, cohort=self.other_cohort, kind=EventKind.ORIENTATION, title="Spring orientation",
            starts_at=start, ends_at=start + datetime.timedelta(hours=1),
        )


@pytest.fixture(autouse=True)
def december():
    with time_machine.travel(datetime.datetime(YEAR, 12, 1, 9, 0, tzinfo=TZ), tick=False):
        yield


@pytest.fixture
def world(december):
    return World()


def test_a_participant_sees_their_programs_upcoming_events(client, world):
    client.force_login(world.member)

    response = client.get(reverse("events:list"))

    assert response.status_code == HTTPStatus.OK
    titles = [e.title for e in response.context["events"]]
    assert "Year-end social" in titles
    assert any("chapter meeting (December)" in t for t in titles)
    assert not any("November" in t for t in titles)  # past
    assert "Spring orientation" not in titles  # another cohort's
    assert reverse("events:ics", args=[world.event.pk]) in response.content.decode()


@pytest.mark.parametrize("who", ["applicant", "outsider", "hhs_coordinator"])
def test_people_outside_the_program_see_none_of_its_events(client, world, who):
    user = getattr(world, who)
    client.force_login(user)

    assert all(e.program != world.ky for e in events_for_user(user=user))
    for name in ("events:detail", "events:ics"):
        assert client.get(reverse(name, args=[world.event.pk])).status_code == HTTPStatus.NOT_FOUND
    response = client.post(reverse("events:rsvp", args=[world.event.pk]), {"rsvp": "yes"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not EventAttendance.objects.exists()


@pytest.mark.parametrize("name", ["events:list", "events:detail", "events:ics", "events:rsvp"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name):
    url = reverse(name) if name == "events:list" else reverse(name, args=[world.event.pk])
    response = client.post(url, {"rsvp": "yes"}) if name == "events:rsvp" else client.get(url)

    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_the_programs_coordinator_sees_every_event(world):
    assert {e.title for e in events_for_user(user=world.sponsor)} >= {"Year-end social", "Spring orientation"}


def test_rsvp_records_and_changes_the_answer(client, world):
    client.force_login(world.member)
    url = reverse("events:rsvp", args=[world.event.pk])

    response = client.post(url, {"rsvp": "yes", "next": reverse("events:list")})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == reverse("events:list")
    client.post(url, {"rsvp": "maybe"})

    attendance = EventAttendance.objects.get()
    assert (attendance.user, attendance.event, attendance.rsvp) == (world.member, world.event, Rsvp.MAYBE)
    listed = {e.pk: e for e in events_for_user(user=world.member)}
    assert listed[world.event.pk].my_rsvp == Rsvp.MAYBE and listed[world.event.pk].going == 1


def test_rsvp_refuses_nonsense_and_past_events(client, world):
    client.force_login(world.member)
    client.post(reverse("events:rsvp", args=[world.event.pk]), {"rsvp": "definitely"})
    assert not EventAttendance.objects.exists()

    with pytest.raises(RuleViolation, match="already taken place"):
        event_services.event_rsvp(
            event=world.event, user=world.member, answer=Rsvp.YES, now=world.event.ends_at + datetime.timedelta(minutes=1)
        )


def test_an_rsvp_redirect_never_leaves_the_site(client, world):
    client.force_login(world.member)
    response = client.post(reverse("events:rsvp", args=[world.event.pk]), {"rsvp": "no", "next": "https://evil.example/"})
    assert response["Location"] == reverse("events:list")


def test_the_ics_parses_back_to_the_event(client, world):
    client.force_login(world.member)

    response = client.get(reverse("events:ics", args=[world.event.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == world.event.starts_at
    assert entry.decoded("dtend") == world.event.ends_at
    assert str(entry["summary"]) == "Year-end social (KY Connections)"
    assert str(entry["location"]) == "Frankfort, KY"
    assert str(entry["uid"]) == world.event.uid
    assert world.event.get_absolute_url() in str(entry["description"])


def test_the_event_page_shows_the_answer_and_calendar_link(client, world):
    EventAttendance.objects.create(event=world.event, user=world.member, rsvp=Rsvp.YES)
    client.force_login(world.member)

    body = client.get(reverse("events:detail", args=[world.event.pk])).content.decode()

    assert "Year-end social" in body and 'aria-pressed="true"' in body and "event.ics" in body
    assert event_get_for_user(user=world.member, pk=world.event.pk) == world.event


def test_last_years_participants_do_not_get_next_years_program_wide_events(world):
    start = timezone.make_aware(datetime.datetime(YEAR + 1, 1, 15, 17, 30))
    next_year = Event.objects.create(
        program=world.ky, kind=EventKind.KICK_OFF, title="Next kick-off", starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    assert next_year not in events_for_user(user=world.member)


def test_events_due_for_reminder_are_those_within_a_day_for_who_has_not_said_no(world):
    keen, busy = UserFactory(), UserFactory()
    for user in (keen, busy):
        EnrollmentFactory(user=user, cohort=world.cohort, role=Role.MENTOR)
    EventAttendance.objects.create(event=world.event, user=busy, rsvp=Rsvp.NO)
    EventAttendance.objects.create(event=world.event, user=keen, rsvp=Rsvp.YES)
    EventAttendance.objects.create(event=world.event, user=world.sponsor, rsvp=Rsvp.MAYBE)

    a_day_before = world.event.starts_at - datetime.timedelta(hours=23)
    due = dict(events_due_for_reminder(now=a_day_before))

    assert set(due) == {world.event, world.cohort_event}
    assert due[world.event] == sorted([world.member.pk, keen.pk, world.sponsor.pk])
    assert world.applicant.pk not in due[world.event] and world.outsider.pk not in due[world.event]
    assert due[world.cohort_event] == []  # nobody approved in that cohort
    assert events_due_for_reminder(now=world.event.starts_at - datetime.timedelta(hours=25)) == []
    assert events_due_for_reminder(now=world.event.starts_at) == []


def test_events_due_for_reminder_costs_three_queries(world, django_assert_num_queries):
    for _ in range(5):
        EnrollmentFactory(cohort=world.cohort)
    with django_assert_num_queries(3):
        events_due_for_reminder(now=world.event.starts_at - datetime.timedelta(hours=2))


# -- the events admin ---------------------------------------------------------


def test_the_events_admin_lists_only_the_coordinators_programs(client, world):
    client.force_login(world.hhs_coordinator)
    response = client.get(reverse("admin:programs_event_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count == 0
    assert "Year-end social" not in response.content.decode()
    assert client.get(reverse("admin:programs_event_change", args=[world.event.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("admin:programs_event_history", args=[world.event.pk])).status_code in (
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
    )


def test_the_sponsor_counts_rsvps_and_ticks_attendance(client, world):
    EventAttendance.objects.create(event=world.event, user=world.member, rsvp=Rsvp.YES)
    client.force_login(world.sponsor)

    response = client.get(reverse("admin:programs_event_changelist") + f"?program__id__exact={world.ky.pk}&when=upcoming")
    row = next(e for e in response.context["cl"].result_list if e.pk == world.event.pk)
    assert (row._yes, row._maybe, row._no, row._attended) == (1, 0, 0, 0)

    attendance = EventAttendance.objects.get()
    change = client.get(reverse("admin:programs_event_change", args=[world.event.pk]))
    assert change.status_code == HTTPStatus.OK
    data = {
        "program": world.ky.pk, "cohort": "", "kind": EventKind.SOCIAL, "title": "Year-end social",
        "starts_at_0": "12/30/%d" % YEAR, "starts_at_1": "17:00", "ends_at_0": "12/30/%d" % YEAR, "ends_at_1": "19:00",
        "location": "Frankfort, KY", "description": "",
        "attendances-TOTAL_FORMS": "1", "attendances-INITIAL_FORMS": "1", "attendances-MIN_NUM_FORMS": "0",
        "attendances-MAX_NUM_FORMS": "1000", "attendances-0-id": attendance.pk, "attendances-0-event": world.event.pk,
        "attendances-0-user": world.member.pk, "attendances-0-rsvp": "yes", "attendances-0-attended": "on",
    }
    date_format = change.context["adminform"].form.fields["starts_at"].widget.widgets[0].format
    if date_format and "%Y-%m-%d" in date_format:
        data.update({"starts_at_0": f"{YEAR}-12-30", "ends_at_0": f"{YEAR}-12-30"})
    response = client.post(reverse("admin:programs_event_change", args=[world.event.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors if response.context else ""
    assert EventAttendance.objects.get().attended


def test_an_event_in_another_programs_cohort_is_refused(world):
    from django.core.exceptions import ValidationError

    event = Event(
        program=world.hhs, cohort=world.cohort, kind=EventKind.TRAINING, title="Mixed up",
        starts_at=world.event.starts_at, ends_at=world.event.ends_at,
    )
    with pytest.raises(ValidationError, match="cohort of this event's program"):
        event.full_clean()


def test_attendance_can_be_marked_for_people_who_never_answered(world):
    keen = UserFactory()
    EventAttendance.objects.create(event=world.event, user=keen, rsvp=Rsvp.YES)
    event_services.event_attendance_mark(event=world.event, user_ids=[keen.pk, world.member.pk])
    assert set(EventAttendance.objects.filter(attended=True).values_list("user_id", flat=True)) == {keen.pk, world.member.pk}


def test_the_events_changelist_costs_the_same_queries_however_many_rows(client, world):
    client.force_login(world.sponsor)
    url = reverse("admin:programs_event_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(20):
        start = world.event.starts_at + datetime.timedelta(days=n)
        event = Event.objects.create(
            program=world.ky, kind=EventKind.WORKSHOP, title=f"Workshop {n}", starts_at=start,
            ends_at=start + datetime.timedelta(hours=1), cohort=world.cohort if n % 2 else None,
        )
        EventAttendance.objects.create(event=event, user=world.member, rsvp=Rsvp.YES)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_events_page_costs_the_same_queries_however_many_events(client, world):
    client.force_login(world.member)
    url = reverse("events:list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(10):
        start = world.event.starts_at - datetime.timedelta(days=n + 1)
        Event.objects.create(
            program=world.ky, kind=EventKind.TRAINING, title=f"Training {n}", starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
