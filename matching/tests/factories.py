"""factory_boy factories for every model of matching: each makes a row that
passes full_clean() and the database's constraints (tests/test_factories.py).

A proposal, an unmatched mentee and a shortlist entry are about people of the
run's (or list's) program, in the roles the engine would give them."""

import factory

from matching.models import (
    MatchingWeights,
    MatchProposal,
    MatchRun,
    Shortlist,
    ShortlistEntry,
    UnmatchedMentee,
)
from mentorship.tests.factories import UserFactory
from programs.models import EnrollmentState, Role
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory


def _enrolled(cohort, role):
    """A person with an approved enrolment in `cohort` in `role`."""
    person = UserFactory()
    EnrollmentFactory(user=person, cohort=cohort, role=role, state=EnrollmentState.APPROVED)
    return person


class MatchingWeightsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingWeights

    program = factory.SubFactory(ProgramFactory)


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    cohort = factory.SubFactory(CohortFactory)
    program = factory.SelfAttribute("cohort.program")
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class MatchProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchProposal

    run = factory.SubFactory(MatchRunFactory)
    mentee = factory.LazyAttribute(lambda o: _enrolled(o.run.cohort, Role.MENTEE))
    mentor = factory.LazyAttribute(lambda o: _enrolled(o.run.cohort, Role.MENTOR))
    score = 0.5
    components = factory.LazyFunction(
        lambda: [{"name": "needs", "value": 0.5, "weight": 1.0, "contribution": 0.5, "reason": "Shared needs"}]
    )


class UnmatchedMenteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnmatchedMentee

    run = factory.SubFactory(MatchRunFactory)
    mentee = factory.LazyAttribute(lambda o: _enrolled(o.run.cohort, Role.MENTEE))
    reason = "No mentor scored above the program's minimum."


class ShortlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shortlist

    program = factory.SubFactory(ProgramFactory)
    mentee = factory.LazyAttribute(lambda o: _enrolled(CohortFactory(program=o.program), Role.MENTEE))
    note = "Someone who has led a team through a reorganisation."
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class ShortlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortlistEntry

    shortlist = factory.SubFactory(ShortlistFactory)
    mentor = factory.LazyAttribute(
        lambda o: _enrolled(CohortFactory(program=o.shortlist.program), Role.MENTOR)
    )
    score = 0.4
    reasons = factory.LazyFunction(lambda: ["Offers: change management"])
    rank = factory.Sequence(lambda n: n % 100)
