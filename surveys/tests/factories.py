"""factory_boy factories for every model of surveys: each makes a row that
passes full_clean() and the database's constraints (test_factories.py)."""

import factory
from django.utils import timezone

from mentorship.models import Mentorship
from mentorship.tests.factories import MentorshipFactory
from programs.tests.factories import ProgramFactory
from surveys.models import Answer, Audience, Question, QuestionKind, RecipientRole, Survey, SurveyInvitation


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


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    """A mentee asked, today, about a pair of the survey's program; sent, not answered."""

    class Meta:
        model = SurveyInvitation

    survey = factory.SubFactory(SurveyFactory)
    mentorship = factory.SubFactory(MentorshipFactory, cohort__program=factory.SelfAttribute("...survey.program"))
    role = RecipientRole.MENTEE
    recipient = factory.LazyAttribute(
        lambda o: o.mentorship.mentee if o.role == RecipientRole.MENTEE else o.mentorship.mentor
    )
    due_on = factory.LazyFunction(timezone.localdate)
    sent_at = factory.LazyFunction(timezone.now)


class AnswerFactory(factory.django.DjangoModelFactory):
    """A rating given to a rating question of the invitation's survey."""

    class Meta:
        model = Answer

    invitation = factory.SubFactory(SurveyInvitationFactory)
    question = factory.SubFactory(QuestionFactory, survey=factory.SelfAttribute("..invitation.survey"))
    rating = 4


def invitation_for(survey: Survey, mentorship: Mentorship, *, role="mentee", sent=True, **kwargs) -> SurveyInvitation:
    """An invitation as the planner would leave it after sending."""
    return SurveyInvitationFactory(
        survey=survey, mentorship=mentorship, role=role, sent_at=timezone.now() if sent else None, **kwargs
    )
