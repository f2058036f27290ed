import datetime

import factory
from django.utils import timezone

from mentorship.models import Mentorship, MentorshipState
from mentorship.tests.factories import UserFactory
from programs.tests.factories import CohortFactory, ProgramFactory
from surveys.models import Audience, Question, QuestionKind, Survey, SurveyInvitation


class MentorshipFactory(factory.django.DjangoModelFactory):
    """A pair as the database holds it; the pairing rules are mentorship's to test."""

    class Meta:
        model = Mentorship

    cohort = factory.SubFactory(CohortFactory)
    program = factory.LazyAttribute(lambda o: o.cohort.program)
    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    mentor_slot = 1
    mentee_slot = 1
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))

    class Params:
        ended = factory.Trait(
            state=MentorshipState.COMPLETED,
            ended_on=factory.LazyFunction(timezone.localdate),
            end_reason="Goals met.",
        )


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    kind = "fit_check"
    title = factory.Sequence(lambda n: f"Survey {n}")
    audience = Audience.BOTH


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = QuestionKind.RATING


def invitation_for(survey: Survey, mentorship: Mentorship, *, role="mentee", sent=True, **kwargs) -> SurveyInvitation:
    """An invitation as the planner would leave it after sending."""
    recipient = mentorship.mentee if role == "mentee" else mentorship.mentor
    return SurveyInvitation.objects.create(
        survey=survey,
        mentorship=mentorship,
        recipient=recipient,
        role=role,
        due_on=kwargs.pop("due_on", timezone.localdate()),
        sent_at=timezone.now() if sent else None,
        **kwargs,
    )
