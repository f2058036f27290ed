"""factory_boy factories for every model of the core (mentorship) app.

Each factory makes a row that passes the model's full_clean() and its database
constraints (test_factories.py holds them to it). Rows are written straight to
the database: the services' rules (windows, caps, who may invite whom) are
what the other tests check. Factories of other apps are named by their import
path, so this module and programs.tests.factories can import each other.
"""

import datetime
import secrets
import uuid

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from mentorship.models import (
    Agreement,
    CalendarFeedToken,
    CareerLevel,
    DecisionAnswer,
    DecisionQuestion,
    Goal,
    Invitation,
    JobHistoryEntry,
    Meeting,
    MeetingFrequency,
    MeetingKind,
    MeetingMode,
    MeetingPrivateNote,
    MeetingStatus,
    Mentorship,
    MentorshipDecision,
    MentorshipState,
    Notification,
    Profile,
    ReminderDelivery,
    Skill,
    User,
)
from mentorship.services import new_meeting_uid

PASSWORD = "a-Strong-passw0rd"

COHORT_FACTORY = "programs.tests.factories.CohortFactory"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})
            Profile.objects.get_or_create(user=obj)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")


class ProfileFactory(factory.django.DjangoModelFactory):
    """A filled-in profile. Every user already has one (UserFactory makes it
    empty, as signing up does), so this fills in that row instead of adding one."""

    class Meta:
        model = Profile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    headline = factory.Sequence(lambda n: f"Palliative care nurse, {n % 30 + 1} years")
    organisation = "Commonwealth of Kentucky"
    location = "Frankfort, KY"
    career_level = CareerLevel.MID
    professional_goals = "Lead a team."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        user = kwargs.pop("user")
        profile, _ = model_class.objects.update_or_create(user=user, defaults=kwargs)
        return profile

    @factory.post_generation
    def skills_offered(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.skills_offered.set(extracted)

    @factory.post_generation
    def development_needs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.development_needs.set(extracted)


class JobHistoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobHistoryEntry

    profile = factory.SubFactory(ProfileFactory)
    title = factory.Sequence(lambda n: f"Position {n}")
    organisation = "Commonwealth of Kentucky"
    start_year = 2015
    end_year = 2020


def _enrol_the_pair(obj, create, extracted) -> None:
    """The mentor and the mentee hold approved enrolments in the pair's cohort,
    in their roles, as the services require; `enrolled=False` leaves them out.
    An enrolment already there in that cohort and role is kept as it is."""
    from programs.models import EnrollmentState, Role
    from programs.tests.factories import EnrollmentFactory

    if not create or extracted is False:
        return
    for user, role in ((obj.mentor, Role.MENTOR), (obj.mentee, Role.MENTEE)):
        if not user.enrollments.filter(cohort=obj.cohort, role=role).exists():
            EnrollmentFactory(user=user, cohort=obj.cohort, role=role, state=EnrollmentState.APPROVED)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation between two approved participants of a running cohort."""

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    cohort = factory.SubFactory(COHORT_FACTORY)
    program = factory.LazyAttribute(lambda o: o.cohort.program)
    mentee = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)
    message = "I want to get better at leading family meetings about goals of care."
    expires_at = factory.LazyAttribute(
        lambda o: timezone.now() + datetime.timedelta(days=o.cohort.program.invitation_expiry_days)
    )

    @factory.post_generation
    def enrolled(obj, create, extracted, **kwargs):
        _enrol_the_pair(obj, create, extracted)


class MentorshipFactory(factory.django.DjangoModelFactory):
    """A pair as the database holds it, between approved participants of its
    cohort; the pairing rules are the services' (and their tests')."""

    class Meta:
        model = Mentorship
        skip_postgeneration_save = True

    cohort = factory.SubFactory(COHORT_FACTORY)
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

    @factory.post_generation
    def enrolled(obj, create, extracted, **kwargs):
        _enrol_the_pair(obj, create, extracted)


class MentorshipDecisionFactory(factory.django.DjangoModelFactory):
    """The mentee's answer to “extend or close”, about the pair's planned end."""

    class Meta:
        model = MentorshipDecision

    mentorship = factory.SubFactory(MentorshipFactory, planned_end_on=factory.LazyFunction(timezone.localdate))
    user = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    question = DecisionQuestion.EXTEND_OR_CLOSE
    term = factory.LazyAttribute(lambda o: o.mentorship.planned_end_on)
    answer = DecisionAnswer.CLOSE


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a pair, scheduled for tomorrow unless told otherwise."""

    class Meta:
        model = Meeting

    mentorship = factory.SubFactory(MentorshipFactory)
    kind = MeetingKind.CHECKIN
    mode = MeetingMode.VIDEO
    status = MeetingStatus.SCHEDULED
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    duration_minutes = 60
    uid = factory.LazyFunction(new_meeting_uid)
    created_by = factory.LazyAttribute(lambda o: o.mentorship.mentor)


class MeetingPrivateNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingPrivateNote

    meeting = factory.SubFactory(MeetingFactory, status=MeetingStatus.HELD)
    author = factory.LazyAttribute(lambda o: o.meeting.mentorship.mentor)
    text = "Only I read this."


class CalendarFeedTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeedToken

    user = factory.SubFactory(UserFactory)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    mentorship = factory.SubFactory(MentorshipFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    """A pair's agreement with every term filled in, signed by nobody."""

    class Meta:
        model = Agreement

    mentorship = factory.SubFactory(MentorshipFactory)
    duration_and_evaluation = "One year; we review it at six months."
    meeting_frequency = MeetingFrequency.MONTHLY
    min_meeting_minutes = 30
    max_meeting_minutes = 90
    contact_between_meetings = "Email."
    mentor_role = "Listen and advise."
    mentee_role = "Set the agenda."
    feedback = "At the end of every meeting."
    no_fault_termination = "Either of us may end it, no fault."


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."


class ReminderDeliveryFactory(factory.django.DjangoModelFactory):
    """A claimed reminder, not yet sent."""

    class Meta:
        model = ReminderDelivery

    user = factory.SubFactory(UserFactory)
    kind = "checkin"
    key = factory.Sequence(lambda n: f"mentorship:{n}")
    period = "2026-06"
    subject = "Time for a check-in"
    body = "Your next check-in is due."
    claim = factory.LazyFunction(lambda: uuid.uuid4().hex)
    created_at = factory.LazyFunction(timezone.now)
