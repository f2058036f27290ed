"""Building blocks for the working-life tests (issue 4): pairs in the seeded
programs started on a chosen day, and meetings at chosen times.

Pairs are written straight to the database rather than through the pairing
services: these tests are about what happens *after* a pair forms, at dates
chosen with time_machine, and must not depend on cohort windows or caps.
"""

import datetime
import zoneinfo

from mentorship.models import Meeting, MeetingKind, MeetingMode, MeetingStatus, Mentorship, User
from mentorship.services import new_meeting_uid
from mentorship.tests.factories import UserFactory
from programs.models import EnrollmentState, ProgramCoordinator, Role
from programs.tests.factories import CohortFactory, EnrollmentFactory, seeded

TZ = zoneinfo.ZoneInfo("America/New_York")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment in the site's time zone (America/New_York)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def cohort_for(slug: str, start: datetime.date):
    program = seeded(slug)
    return CohortFactory(
        program=program, starts_on=datetime.date(start.year, 1, 1), ends_on=datetime.date(start.year, 12, 31)
    )


def pair_in(
    slug: str,
    started_on: datetime.date,
    *,
    mentor: User | None = None,
    mentee: User | None = None,
    cohort=None,
    mentor_slot: int = 1,
    mentee_slot: int = 1,
    **fields,
) -> Mentorship:
    cohort = cohort or cohort_for(slug, started_on)
    mentor = mentor or UserFactory()
    mentee = mentee or UserFactory()
    for user, role in ((mentor, Role.MENTOR), (mentee, Role.MENTEE)):
        if not user.enrollments.filter(cohort=cohort, role=role).exists():
            EnrollmentFactory(user=user, cohort=cohort, role=role, state=EnrollmentState.APPROVED)
    return Mentorship.objects.create(
        program=cohort.program,
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        mentor_slot=mentor_slot,
        mentee_slot=mentee_slot,
        started_on=started_on,
        **fields,
    )


def met(
    mentorship: Mentorship,
    when: datetime.datetime,
    minutes: int = 60,
    kind: str = MeetingKind.CHECKIN,
    status: str = MeetingStatus.HELD,
    **fields,
) -> Meeting:
    return Meeting.objects.create(
        mentorship=mentorship,
        kind=kind,
        mode=fields.pop("mode", MeetingMode.PHONE),
        status=status,
        starts_at=when,
        duration_minutes=minutes,
        uid=new_meeting_uid(),
        created_by=mentorship.mentor,
        **fields,
    )


def coordinator_of(program, user: User | None = None) -> User:
    user = user or UserFactory(is_staff=True)
    ProgramCoordinator.objects.create(program=program, user=user)
    return user
