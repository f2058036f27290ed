"""The program year rolls forward: each program's running and next cohort, and
its recurring events (EventPattern) through the end of next year, made once
however often the roll-forward runs; participants see the next events on any
date; a program's coordinator edits its recurring events in the admin, and only
they do."""

import datetime
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentorship.tests.factories import UserFactory
from programs import rules, services
from programs.models import Cohort, EnrollmentState, Event, EventKind, EventPattern, Program, Role
from programs.selectors import events_for_user
from programs.tasks import programs_roll_forward_task
from programs.tests.factories import CoordinatorFactory, EventPatternFactory, seeded

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("America/New_York")
KY_TZ = zoneinfo.ZoneInfo("America/Kentucky/Louisville")
# The migrations attached this year's seeded events to their patterns: the first
# of the dates below meets them, the others are the years after.
YEAR = timezone.localdate().year
DATES = [datetime.date(YEAR, 12, 1), datetime.date(YEAR + 1, 1, 1), datetime.date(YEAR + 1, 7, 1)]


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ), tick=False)


def upcoming(program: Program, *, within_days: int) -> list[Event]:
    now = timezone.now()
    return list(
        Event.objects.filter(
            program=program, starts_at__gte=now, starts_at__lt=now + datetime.timedelta(days=within_days)
        )
    )


def approved(user, cohort: Cohort):
    enrollment = services.enrollment_apply(user=user, cohort=cohort, role=Role.MENTEE)
    if enrollment.state != EnrollmentState.APPROVED:
        enrollment = services.enrollment_approve(enrollment=enrollment)
    return enrollment


# ---------------------------------------------------------------------------
# The rules: a month's day, a program year's cohort
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"year": 2026, "month": 10, "week": 3, "weekday": 3}, datetime.date(2026, 10, 15)),  # third Thursday
        ({"year": 2027, "month": 1, "week": 3, "weekday": 3}, datetime.date(2027, 1, 21)),
        ({"year": 2026, "month": 12, "week": 1, "weekday": 1}, datetime.date(2026, 12, 1)),  # first Tuesday
        ({"year": 2026, "month": 10, "week": 5, "weekday": 4}, datetime.date(2026, 10, 30)),  # last Friday
        ({"year": 2026, "month": 11, "week": 5, "weekday": 0}, datetime.date(2026, 11, 30)),  # last Monday
        ({"year": 2027, "month": 2, "day_of_month": 31}, datetime.date(2027, 2, 28)),  # clamped
        ({"year": 2028, "month": 2, "day_of_month": 31}, datetime.date(2028, 2, 29)),
        ({"year": 2027, "month": 5, "day_of_month": 4}, datetime.date(2027, 5, 4)),
    ],
)
def test_pattern_day(spec, expected):
    assert rules.pattern_day(**spec) == expected


def test_a_yearly_program_takes_a_calendar_year_cohort_with_applications_before_it():
    plan = rules.cohort_year_plan(program=seeded("ky-connections"), year=2027)

    assert plan == {
        "name": "2027",
        "starts_on": datetime.date(2027, 1, 1),
        "ends_on": datetime.date(2027, 12, 31),
        "enrolment_opens_on": datetime.date(2026, 11, 1),
        "enrolment_closes_on": datetime.date(2027, 12, 31),
    }


@pytest.mark.parametrize("slug", ["aahpm", "hpmsnj", "hhs", "wtap"])
def test_other_programs_take_a_two_year_cohort_each_year_enrolling_in_its_first(slug):
    plan = rules.cohort_year_plan(program=seeded(slug), year=2027)

    assert plan == {
        "name": "2027–2028",
        "starts_on": datetime.date(2027, 1, 1),
        "ends_on": datetime.date(2028, 12, 31),
        "enrolment_opens_on": datetime.date(2027, 1, 1),
        "enrolment_closes_on": datetime.date(2027, 12, 31),
    }


# ---------------------------------------------------------------------------
# The roll-forward on any date
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("today", DATES, ids=str)
def test_on_any_date_ky_and_hpmsnj_have_upcoming_events_and_every_program_an_open_or_next_cohort(today):
    with at(today):
        services.programs_roll_forward(today=today)

        # KY: an event every month, so one within the next five weeks.
        assert upcoming(seeded("ky-connections"), within_days=35)
        # HPMSNJ: its October dinner, at most a year away.
        assert [e.kind for e in upcoming(seeded("hpmsnj"), within_days=366)] == [EventKind.ANNUAL_DINNER]
        for program in Program.objects.filter(is_active=True):
            cohorts = list(program.cohorts.filter(Cohort.running_q(today)))
            assert any(
                c.enrolment_is_open(today) or (c.enrolment_opens_on and c.enrolment_opens_on > today) for c in cohorts
            ), program.slug


@pytest.mark.parametrize("today", DATES, ids=str)
def test_running_it_twice_makes_nothing_more(today):
    with at(today):
        first = services.programs_roll_forward(today=today)
        events, cohorts = Event.objects.count(), Cohort.objects.count()

        second = services.programs_roll_forward(today=today)

    assert first["events_created"] > 0
    assert second == {"cohorts_created": 0, "events_created": 0}
    assert (Event.objects.count(), Cohort.objects.count()) == (events, cohorts)


def test_the_running_and_the_next_cohort_are_named_as_the_demo_names_them():
    today = datetime.date(YEAR + 1, 3, 10)
    with at(today):
        ky = services.program_calendar_ensure(program=seeded("ky-connections"), today=today)
        hhs = services.program_calendar_ensure(program=seeded("hhs"), today=today)

    assert (ky.running.name, ky.next.name) == (str(YEAR + 1), str(YEAR + 2))
    assert (ky.running.starts_on, ky.running.ends_on) == (
        datetime.date(YEAR + 1, 1, 1),
        datetime.date(YEAR + 1, 12, 31),
    )
    assert ky.running.enrolment_is_open(today) and not ky.next.enrolment_is_open(today)
    assert (hhs.running.name, hhs.next.name) == (f"{YEAR + 1}–{YEAR + 2}", f"{YEAR + 2}–{YEAR + 3}")
    assert hhs.running.enrolment_is_open(today) and not hhs.next.enrolment_is_open(today)
    assert hhs.next.enrolment_opens_on == datetime.date(YEAR + 2, 1, 1)


def test_a_cohort_the_coordinator_made_or_changed_is_kept():
    today = datetime.date(YEAR + 1, 3, 10)
    mine = Cohort.objects.create(
        program=seeded("ky-connections"),
        name=str(YEAR + 1),
        starts_on=datetime.date(YEAR + 1, 1, 15),
        ends_on=datetime.date(YEAR + 1, 11, 30),
        participant_cap=12,
    )
    with at(today):
        result = services.program_year_roll_forward(program=seeded("ky-connections"), today=today)

    assert result.running == mine
    mine.refresh_from_db()
    assert (mine.starts_on, mine.ends_on, mine.participant_cap) == (
        datetime.date(YEAR + 1, 1, 15),
        datetime.date(YEAR + 1, 11, 30),
        12,
    )
    assert [c.name for c in result.cohorts_created] == [str(YEAR + 2)]


def test_events_follow_their_pattern_from_today_to_the_end_of_next_year():
    today = datetime.date(YEAR + 1, 7, 1)
    with at(today):
        created = services.program_year_roll_forward(program=seeded("ky-connections"), today=today).events_created

    months = [(e.starts_at.astimezone(KY_TZ).year, e.starts_at.astimezone(KY_TZ).month) for e in created]
    assert sorted(months) == [(YEAR + 1, m) for m in range(7, 13)] + [(YEAR + 2, m) for m in range(1, 13)]
    lunch = next(
        e
        for e in created
        if e.starts_at.astimezone(KY_TZ).date() == rules.pattern_day(year=YEAR + 2, month=2, week=3, weekday=3)
    )
    assert lunch.kind == EventKind.LUNCH_AND_LEARN
    assert lunch.title == "Connections Lunch and Learn (February)"
    assert lunch.starts_at.astimezone(KY_TZ).time() == datetime.time(12, 0)
    assert lunch.ends_at - lunch.starts_at == datetime.timedelta(hours=1)
    assert lunch.cohort is None and lunch.pattern.program == seeded("ky-connections")


def test_a_deleted_or_moved_event_is_not_made_again():
    today = datetime.date(YEAR + 1, 7, 1)
    ky = seeded("ky-connections")
    with at(today):
        created = services.program_year_roll_forward(program=ky, today=today).events_created
        cancelled, moved = created[0], created[1]
        cancelled.delete()
        moved.starts_at += datetime.timedelta(days=7)
        moved.ends_at += datetime.timedelta(days=7)
        moved.save()

        again = services.program_year_roll_forward(program=ky, today=today)

    assert again.events_created == []
    assert not Event.objects.filter(pk=cancelled.pk).exists()
    assert Event.objects.filter(pattern=moved.pattern, pattern_month=moved.pattern_month).count() == 1


def test_the_database_refuses_a_second_event_for_a_patterns_month():
    today = datetime.date(YEAR + 1, 7, 1)
    with at(today):
        event = services.program_year_roll_forward(program=seeded("hpmsnj"), today=today).events_created[0]
        copy = Event(
            program=event.program,
            kind=event.kind,
            title=event.title,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            pattern=event.pattern,
            pattern_month=event.pattern_month,
        )

        with pytest.raises(IntegrityError), transaction.atomic():
            copy.save()


def test_an_inactive_pattern_makes_no_events():
    today = datetime.date(YEAR + 1, 7, 1)
    EventPattern.objects.filter(program__slug="hpmsnj").update(is_active=False)
    with at(today):
        result = services.program_year_roll_forward(program=seeded("hpmsnj"), today=today)

    assert result.events_created == []


def test_a_new_programs_pattern_makes_its_events_and_the_task_runs_every_program():
    today = datetime.date(YEAR + 1, 7, 1)
    pattern = EventPatternFactory(
        program=seeded("wtap"), kind=EventKind.WORKSHOP, title="Mentor workshop {year}", months=[9], week=None,
        weekday=None, day_of_month=12, start_time=datetime.time(10, 0), duration_minutes=180,
    )  # fmt: skip
    with at(today):
        counts = programs_roll_forward_task()

    assert counts["events_created"] > 0
    titles = list(pattern.events.order_by("starts_at").values_list("title", flat=True))
    assert titles == [f"Mentor workshop {YEAR + 1}", f"Mentor workshop {YEAR + 2}"]
    assert pattern.events.first().starts_at == datetime.datetime(YEAR + 1, 9, 12, 10, 0, tzinfo=TZ)


def test_beat_runs_the_roll_forward_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["programs-roll-forward"]

    assert entry["task"] == programs_roll_forward_task.name == "programs.tasks.programs_roll_forward_task"


# ---------------------------------------------------------------------------
# Participants see the next events
# ---------------------------------------------------------------------------


def test_in_december_hpmsnj_mentees_see_next_years_dinner_and_ky_mentees_this_months_meeting(client):
    today = datetime.date(YEAR, 12, 1)
    with at(today):
        ky = services.program_calendar_ensure(program=seeded("ky-connections"), today=today)
        nj = services.program_calendar_ensure(program=seeded("hpmsnj"), today=today)
        ky_mentee, nj_mentee = UserFactory(), UserFactory()
        approved(ky_mentee, ky.running)
        approved(nj_mentee, nj.running)

        nj_events = events_for_user(user=nj_mentee)
        ky_events = events_for_user(user=ky_mentee)
        client.force_login(nj_mentee)
        page = client.get(reverse("events:list")).content.decode()

    assert [(e.kind, timezone.localtime(e.starts_at).date()) for e in nj_events] == [
        (EventKind.ANNUAL_DINNER, rules.pattern_day(year=YEAR + 1, month=10, week=3, weekday=3))
    ]
    assert "HPMSNJ annual mentor/mentee dinner" in page
    assert "No upcoming events" not in page
    # Their cohort ends with the year: this December's chapter meeting, not next year's events.
    assert [e.title for e in ky_events] == ["KY IPMA-HR chapter meeting (December)"]


def test_a_ky_applicant_for_next_year_sees_the_january_kick_off():
    december = datetime.date(YEAR, 12, 1)
    with at(december):
        calendar = services.program_calendar_ensure(program=seeded("ky-connections"), today=december)
        applicant = UserFactory()
        approved(applicant, calendar.next)  # applications for next year are open in December
    january = datetime.date(YEAR + 1, 1, 2)
    with at(january):
        services.programs_roll_forward(today=january)
        first = events_for_user(user=applicant)[0]

    assert first.kind == EventKind.KICK_OFF
    assert first.title == "Connections Mentoring Kick-off (January)"
    assert timezone.localtime(first.starts_at).date() == rules.pattern_day(year=YEAR + 1, month=1, week=3, weekday=3)


# ---------------------------------------------------------------------------
# The coordinator's admin
# ---------------------------------------------------------------------------

PATTERN_FIELDS = [
    "kind", "title", "week", "weekday", "day_of_month", "start_time", "duration_minutes", "time_zone", "location",
    "description",
]  # fmt: skip


def program_form(program: Program, patterns: dict[int, dict] | None = None) -> dict:
    """The program's change form as the admin posts it, its recurring events with
    the changes in `patterns` (by id)."""
    data = {}
    for field in program._meta.fields:
        if field.name in ("id", "created_at"):
            continue
        value = getattr(program, field.name)
        if isinstance(value, bool):
            if value:
                data[field.name] = "on"
            continue
        data[field.name] = "" if value is None else value
    for prefix in ("cohorts", "coordinator_links"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    rows = list(program.event_patterns.order_by("pk"))
    data.update({"event_patterns-TOTAL_FORMS": len(rows), "event_patterns-INITIAL_FORMS": len(rows)})
    for i, pattern in enumerate(rows):
        values = {name: getattr(pattern, name) for name in PATTERN_FIELDS}
        values.update(
            id=pattern.pk, program=program.pk, months=pattern.months, is_active="on" if pattern.is_active else ""
        )
        values.update((patterns or {}).get(pattern.pk, {}))
        data.update({f"event_patterns-{i}-{name}": "" if v is None else v for name, v in values.items()})
    return data


def test_a_coordinator_edits_a_recurring_event_and_the_next_years_events_follow_it(client):
    ky = seeded("ky-connections")
    sponsor = CoordinatorFactory(program=ky).user
    lunch = ky.event_patterns.get(kind=EventKind.LUNCH_AND_LEARN)
    december = datetime.date(YEAR, 12, 1)
    with at(december):
        services.program_year_roll_forward(program=ky, today=december)
        client.force_login(sponsor)
        change = reverse("admin:programs_program_change", args=[ky.pk])
        assert "Connections Lunch and Learn ({month})" in client.get(change).content.decode()

        response = client.post(
            change,
            program_form(
                ky,
                {lunch.pk: {"start_time": "12:30", "location": "Capitol Annex, Frankfort", "months": [2, 5, 8, 11, 6]}},
            ),
        )

        assert response.status_code == HTTPStatus.FOUND, response.context and response.context["inline_admin_formsets"]
        lunch.refresh_from_db()
        assert (lunch.start_time, lunch.location, sorted(lunch.months)) == (
            datetime.time(12, 30), "Capitol Annex, Frankfort", [2, 5, 6, 8, 11],
        )  # fmt: skip
        assert lunch.history.latest().history_user == sponsor
        # Made already through the end of next year: those stay as they are.
        assert services.program_year_roll_forward(program=ky, today=december).events_created == []
    january = datetime.date(YEAR + 1, 1, 1)
    with at(january):
        created = services.program_year_roll_forward(program=ky, today=january).events_created

    lunches = sorted((e for e in created if e.pattern_id == lunch.pk), key=lambda e: e.starts_at)
    assert [e.starts_at.astimezone(KY_TZ).month for e in lunches] == [2, 5, 6, 8, 11]
    assert {e.starts_at.astimezone(KY_TZ).year for e in lunches} == {YEAR + 2}
    assert {e.starts_at.astimezone(KY_TZ).time() for e in lunches} == {datetime.time(12, 30)}
    assert {e.location for e in lunches} == {"Capitol Annex, Frankfort"}
    assert lunches[2].title == "Connections Lunch and Learn (June)"


def test_a_pattern_needs_one_kind_of_day(client):
    ky = seeded("ky-connections")
    client.force_login(CoordinatorFactory(program=ky).user)
    lunch = ky.event_patterns.get(kind=EventKind.LUNCH_AND_LEARN)

    response = client.post(
        reverse("admin:programs_program_change", args=[ky.pk]), program_form(ky, {lunch.pk: {"day_of_month": 5}})
    )

    assert response.status_code == HTTPStatus.OK
    assert "Choose a fixed day or a week and weekday, not both." in response.content.decode()
    lunch.refresh_from_db()
    assert lunch.day_of_month is None


def test_a_coordinator_of_another_program_neither_sees_nor_edits_its_recurring_events(client):
    ky, hhs = seeded("ky-connections"), seeded("hhs")
    client.force_login(CoordinatorFactory(program=hhs).user)
    lunch = ky.event_patterns.get(kind=EventKind.LUNCH_AND_LEARN)
    ky_change = reverse("admin:programs_program_change", args=[ky.pk])
    hhs_change = reverse("admin:programs_program_change", args=[hhs.pk])

    seen = client.get(ky_change)
    own_page = client.get(hhs_change).content.decode()
    posted = client.post(ky_change, program_form(ky, {lunch.pk: {"start_time": "07:00"}}))
    # Their own program's form, carrying KY's recurring event.
    smuggled = program_form(hhs)
    smuggled.update({"event_patterns-TOTAL_FORMS": 1, "event_patterns-INITIAL_FORMS": 1})
    fields = {name: getattr(lunch, name) for name in PATTERN_FIELDS}
    fields.update(
        id=lunch.pk, program=hhs.pk, months=lunch.months, is_active="on", start_time="07:00", title="Hijacked"
    )
    smuggled.update({f"event_patterns-0-{name}": "" if v is None else v for name, v in fields.items()})
    smuggled_response = client.post(hhs_change, smuggled)

    assert seen.status_code == HTTPStatus.NOT_FOUND
    assert "Lunch and Learn" not in own_page
    assert posted.status_code == HTTPStatus.NOT_FOUND
    # Django's inline formset ignores a row whose id is not one of this program's.
    assert smuggled_response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert not EventPattern.objects.filter(program=hhs).exists()
    lunch.refresh_from_db()
    assert lunch.start_time == datetime.time(12, 0) and lunch.title == "Connections Lunch and Learn ({month})"
    assert lunch.program == ky
