import datetime

import factory
from django.utils import timezone

from mentorship.tests.factories import UserFactory
from programs.models import Cohort, Enrollment, EnrollmentState, Program, ProgramCoordinator, Role


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Test Program {n}")
    short_name = factory.Sequence(lambda n: f"TP{n}")
    slug = factory.Sequence(lambda n: f"tp{n}")
    matching_methods = factory.LazyFunction(lambda: ["self_selection"])


class CohortFactory(factory.django.DjangoModelFactory):
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
    class Meta:
        model = ProgramCoordinator

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory, is_staff=True)


def seeded(slug: str) -> Program:
    return Program.objects.get(slug=slug)
