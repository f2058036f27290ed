"""Worlds for the coordinators' admin tests: two programs, each with its
coordinator, participants, pairs in every state of health, and meetings.

Pairs are written straight to the database (builders.pair_in): these tests are
about what the coordinator reads, at a date fixed with time_machine, not about
pairing rules.
"""

import datetime

from mentorship.models import Mentorship, User
from mentorship.tests.builders import TZ, met, pair_in
from mentorship.tests.factories import UserFactory
from programs.models import Cohort, EnrollmentState, Role
from programs.tests.factories import CohortFactory, EnrollmentFactory, seeded

# A Wednesday in the middle of the KY program year, not near a month's end.
TODAY = datetime.date(2026, 6, 10)
NOW = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=TZ)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def year_cohort(slug: str, year: int = 2026, **fields) -> Cohort:
    return CohortFactory(
        program=seeded(slug),
        name=str(year),
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 12, 31),
        **fields,
    )


def participant(cohort: Cohort, role: str = Role.MENTEE, state: str = EnrollmentState.APPROVED, **user_fields) -> User:
    user = UserFactory(**user_fields)
    EnrollmentFactory(user=user, cohort=cohort, role=role, state=state)
    return user


def pairs_of_every_health(cohort: Cohort, n: int = 1) -> list[Mentorship]:
    """For KY (monthly contact, 60 minutes a month) on TODAY: n pairs on track,
    n overdue, n at risk. Returns them all."""
    made = []
    for _ in range(n):
        # Met this month for an hour, and for an hour in May: on track.
        fine = pair_in(cohort, datetime.date(2026, 4, 1))
        met(fine, at(datetime.date(2026, 4, 20)))
        met(fine, at(datetime.date(2026, 5, 12)))
        met(fine, at(datetime.date(2026, 6, 3)), minutes=75)
        # Last met in early May: contact due by early June has passed.
        late = pair_in(cohort, datetime.date(2026, 4, 1))
        met(late, at(datetime.date(2026, 4, 8)))
        met(late, at(datetime.date(2026, 5, 6)))
        # Never met since February: two check-ins missed.
        lost = pair_in(cohort, datetime.date(2026, 2, 2))
        made += [fine, late, lost]
    return made
