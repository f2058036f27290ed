"""Building blocks shared by the tests: cohorts of the seeded programs,
participants and coordinators, pairs, meetings, moments in the site's time
zone, and the expectation that a rule refuses.

A pair forms in one of two ways. `invite` and `pair` go through the pairing
services, so they obey the rules they set up (the pairing tests use them).
`pair_in` writes the pair straight to the database (MentorshipFactory) on a
chosen day: for tests about what happens after a pair forms, at dates chosen
with time_machine, that must not depend on cohort windows or caps.
"""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from mentorship import services
from mentorship.models import Meeting, MeetingKind, MeetingMode, MeetingStatus, Mentorship, Profile, User
from mentorship.tests.factories import MeetingFactory, MentorshipFactory, UserFactory
from programs.errors import RuleViolation
from programs.models import Cohort, EnrollmentState, Program, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory, EnrollmentFactory, seeded

TZ = zoneinfo.ZoneInfo("America/New_York")

MESSAGE = "I want to get better at leading family meetings about goals of care."


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment in the site's time zone (America/New_York)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def refused(message: str):
    """The call raises RuleViolation with exactly this message."""
    return pytest.raises(RuleViolation, match=f"^{re.escape(message)}$")


# Cohorts


def cohort_of(slug: str, **kwargs) -> Cohort:
    """A running cohort of a seeded program (started a month ago, ends in a year)."""
    return CohortFactory(program=seeded(slug), **kwargs)


def cohort_for(slug: str, started_on: datetime.date, *, days: int | None = None) -> Cohort:
    """A cohort of a seeded program for a pair started on `started_on`: the
    calendar year it falls in, or, given `days`, from the day before until
    `days` days after."""
    if days is None:
        starts_on, ends_on = datetime.date(started_on.year, 1, 1), datetime.date(started_on.year, 12, 31)
    else:
        starts_on, ends_on = started_on - datetime.timedelta(days=1), started_on + datetime.timedelta(days=days)
    return CohortFactory(program=seeded(slug), starts_on=starts_on, ends_on=ends_on)


# People


def enrol(cohort: Cohort, role: str, user: User | None = None, **kwargs) -> User:
    user = user or UserFactory()
    kwargs.setdefault("state", EnrollmentState.APPROVED)
    EnrollmentFactory(user=user, cohort=cohort, role=role, **kwargs)
    return user


def mentee_in(cohort: Cohort, user: User | None = None, **kwargs) -> User:
    return enrol(cohort, Role.MENTEE, user, **kwargs)


def mentor_in(cohort: Cohort, user: User | None = None, **kwargs) -> User:
    return enrol(cohort, Role.MENTOR, user, **kwargs)


def profile(user: User, **fields) -> Profile:
    Profile.objects.filter(user=user).update(**fields)
    return Profile.objects.get(user=user)


def coordinator_of(program: Program | str, user: User | None = None, **fields) -> User:
    """`user`, or a new staff user with these fields, made a coordinator of the
    program (or of the seeded program with this slug)."""
    if isinstance(program, str):
        program = seeded(program)
    user = user or UserFactory(is_staff=True, **fields)
    CoordinatorFactory(program=program, user=user)
    return user


# Pairs


def invite(cohort: Cohort, mentee: User, mentor: User, message: str = MESSAGE, **kwargs):
    return services.invitation_send(mentee=mentee, mentor=mentor, program=cohort.program, message=message, **kwargs)


def pair(cohort: Cohort, mentor: User, mentee: User, **kwargs) -> Mentorship:
    """A pair formed by the coordinator (committee, sponsor), through the service."""
    kwargs.setdefault("by", None)
    return services.mentorship_create(program=cohort.program, cohort=cohort, mentor=mentor, mentee=mentee, **kwargs)


def fill(cohort: Cohort, mentor: User, places: int) -> list[Mentorship]:
    """Give the mentor `places` mentees of their own."""
    return [pair(cohort, mentor, mentee_in(cohort)) for _ in range(places)]


def pair_in(where: str | Cohort, started_on: datetime.date, *, cohort_days: int | None = None, **fields) -> Mentorship:
    """A pair started on `started_on`, written straight to the database, in the
    given cohort or in a new cohort of the seeded program with this slug (see
    cohort_for; `cohort_days` is its `days`). The mentor and mentee (new people
    unless given) hold approved enrolments in it; `fields` are the mentorship's."""
    cohort = where if isinstance(where, Cohort) else cohort_for(where, started_on, days=cohort_days)
    return MentorshipFactory(cohort=cohort, started_on=started_on, **fields)


# Meetings


def met(
    mentorship: Mentorship,
    when: datetime.datetime,
    minutes: int = 60,
    kind: str = MeetingKind.CHECKIN,
    status: str = MeetingStatus.HELD,
    **fields,
) -> Meeting:
    """A meeting of the pair at `when`: held, by phone and entered by the mentor unless `fields` say otherwise."""
    fields.setdefault("mode", MeetingMode.PHONE)
    return MeetingFactory(
        mentorship=mentorship, kind=kind, status=status, starts_at=when, duration_minutes=minutes, **fields
    )


def meeting(mentorship: Mentorship, kind: str = MeetingKind.CHECKIN, status: str = MeetingStatus.HELD) -> Meeting:
    """A 45-minute video meeting yesterday, entered by nobody."""
    return met(
        mentorship,
        timezone.now() - datetime.timedelta(days=1),
        45,
        kind,
        status,
        mode=MeetingMode.VIDEO,
        created_by=None,
    )
