"""Building blocks for the pairing tests (issue 3): cohorts of the seeded
programs, approved mentors and mentees, invitations and mentorships made
through the real services, so every helper obeys the rules it sets up."""

import datetime

from django.utils import timezone

from mentorship import services
from mentorship.models import Meeting, MeetingKind, MeetingStatus, Mentorship, Profile, User
from mentorship.tests.factories import UserFactory
from programs.models import Cohort, EnrollmentState, Program, ProgramCoordinator, Role
from programs.tests.factories import CohortFactory, EnrollmentFactory, seeded

MESSAGE = "I want to get better at leading family meetings about goals of care."


def cohort_of(slug: str, **kwargs) -> Cohort:
    """A running cohort of a seeded program (started a month ago, ends in a year)."""
    return CohortFactory(program=seeded(slug), **kwargs)


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


def coordinator_of(program: Program, user: User | None = None) -> User:
    user = user or UserFactory(is_staff=True)
    ProgramCoordinator.objects.create(program=program, user=user)
    return user


def invite(cohort: Cohort, mentee: User, mentor: User, message: str = MESSAGE, **kwargs):
    return services.invitation_send(mentee=mentee, mentor=mentor, program=cohort.program, message=message, **kwargs)


def pair(cohort: Cohort, mentor: User, mentee: User, **kwargs) -> Mentorship:
    """A pair formed by the coordinator (committee, sponsor), through the service."""
    kwargs.setdefault("by", None)
    return services.mentorship_create(program=cohort.program, cohort=cohort, mentor=mentor, mentee=mentee, **kwargs)


def fill(cohort: Cohort, mentor: User, places: int) -> list[Mentorship]:
    """Give the mentor `places` mentees of their own."""
    return [pair(cohort, mentor, mentee_in(cohort)) for _ in range(places)]


def meeting(mentorship: Mentorship, kind: str = MeetingKind.CHECKIN, status: str = MeetingStatus.HELD) -> Meeting:
    return Meeting.objects.create(
        mentorship=mentorship,
        kind=kind,
        status=status,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        duration_minutes=45,
        uid=services.new_meeting_uid(),
    )
