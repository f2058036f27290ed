"""factory_boy factories for every model of programs: each makes a row that
passes full_clean() and the database's constraints (test_factories.py)."""

import datetime

import factory
from django.utils import timezone

from mentorship.tests.factories import UserFactory
from programs.models import (
    Cohort,
    Enrollment,
    EnrollmentState,
    Event,
    EventAttendance,
    EventKind,
    EventPattern,
    Program,
    ProgramCoordinator,
    Role,
    Rsvp,
)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Test Program {n}")
    short_name = factory.Sequence(lambda n: f"TP{n}")
    slug = factory.Sequence(lambda n: f"tp{n}")
    matching_methods = factory.LazyFunction(lambda: ["self_selection"])


class CohortFactory(factory.django.DjangoModelFactory):
    """A running cohort: started a month ago, ends in a year."""

    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    role = Role.MENTEE
    state = EnrollmentState.APPROVED


class CoordinatorFactory(factory.django.DjangoModelFactory):
    """A ProgramCoordinator: a staff user who runs the program."""

    class Meta:
        model = ProgramCoordinator

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory, is_staff=True)


class EventFactory(factory.django.DjangoModelFactory):
    """A two-hour program-wide event a week from now."""

    class Meta:
        model = Event

    program = factory.SubFactory(ProgramFactory)
    cohort = None
    kind = EventKind.SOCIAL
    title = factory.Sequence(lambda n: f"Event {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))


class EventPatternFactory(factory.django.DjangoModelFactory):
    """A monthly two-hour evening social on the third Thursday."""

    class Meta:
        model = EventPattern

    program = factory.SubFactory(ProgramFactory)
    kind = EventKind.SOCIAL
    title = factory.Sequence(lambda n: f"Social {n} ({{month}})")
    months = factory.LazyFunction(lambda: list(range(1, 13)))
    week = 3
    weekday = 3
    start_time = datetime.time(18, 0)
    duration_minutes = 120
    time_zone = "America/New_York"


class EventAttendanceFactory(factory.django.DjangoModelFactory):
    """Someone who said they would come."""

    class Meta:
        model = EventAttendance

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    rsvp = Rsvp.YES
    rsvp_at = factory.LazyFunction(timezone.now)


def seeded(slug: str) -> Program:
    return Program.objects.get(slug=slug)
