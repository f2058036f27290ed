"""The test factories: every model of mentorship, programs, surveys and matching has one
in its app's tests/factories.py, and each makes rows that pass full_clean()
(fields, choices, clean() and the model's constraints). A factory that drifts
from its model fails here, not in some unrelated test."""

import inspect

import factory
import pytest
from django.apps import apps

import matching.tests.factories
import mentorship.tests.factories
import programs.tests.factories
import surveys.tests.factories
from programs.models import EnrollmentState, Role

pytestmark = pytest.mark.django_db

FACTORY_MODULES = {
    "mentorship": mentorship.tests.factories,
    "programs": programs.tests.factories,
    "surveys": surveys.tests.factories,
    "matching": matching.tests.factories,
}


def factories_of(module) -> dict:
    """The model each factory defined in `module` makes → the factory."""
    return {
        cls._meta.model: cls
        for cls in vars(module).values()
        if inspect.isclass(cls)
        and issubclass(cls, factory.django.DjangoModelFactory)
        and cls.__module__ == module.__name__
    }


def models_of(app_label: str) -> list[str]:
    """The app's own models; the history tables simple_history adds are not."""
    return [
        model._meta.label
        for model in apps.get_app_config(app_label).get_models()
        if not model.__name__.startswith("Historical")
    ]


MODELS = [label for app_label in FACTORY_MODULES for label in models_of(app_label)]


@pytest.mark.parametrize("label", MODELS)
def test_every_model_has_a_factory_that_makes_valid_rows(label):
    model = apps.get_model(label)
    factories = factories_of(FACTORY_MODULES[model._meta.app_label])
    assert model in factories, f"{FACTORY_MODULES[model._meta.app_label].__name__} has no factory for {label}"
    # Two rows: sequences and sub-factories keep unique fields and constraints apart.
    rows = [factories[model](), factories[model]()]
    for row in rows:
        row.full_clean()
        assert model.objects.filter(pk=row.pk).exists()
    assert rows[0].pk != rows[1].pk


@pytest.mark.parametrize("name", ["MentorshipFactory", "InvitationFactory"])
def test_a_pair_is_made_of_approved_participants_of_its_cohort(name):
    row = getattr(mentorship.tests.factories, name)()
    assert row.program == row.cohort.program
    assert row.mentor.enrollments.get(cohort=row.cohort, role=Role.MENTOR).state == EnrollmentState.APPROVED
    assert row.mentee.enrollments.get(cohort=row.cohort, role=Role.MENTEE).state == EnrollmentState.APPROVED


def test_an_enrolment_already_there_is_kept():
    cohort = programs.tests.factories.CohortFactory()
    mentor = programs.tests.factories.EnrollmentFactory(
        cohort=cohort, role=Role.MENTOR, state=EnrollmentState.APPLIED
    ).user
    mentorship.tests.factories.MentorshipFactory(cohort=cohort, mentor=mentor)
    assert [e.state for e in mentor.enrollments.all()] == [EnrollmentState.APPLIED]


def test_a_survey_invitation_asks_about_a_pair_of_the_surveys_program():
    answer = surveys.tests.factories.AnswerFactory()
    invitation = answer.invitation
    assert invitation.mentorship.program == invitation.survey.program
    assert invitation.recipient == invitation.mentorship.mentee
    assert answer.question.survey == invitation.survey
