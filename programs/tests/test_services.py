"""Enrolment: states, caps, the waitlist, windows and the per-program rules."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from mentorship.tests.factories import UserFactory
from programs import services
from programs.errors import RuleViolation
from programs.models import EnrollmentState, Platform, Role
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory, seeded

pytestmark = pytest.mark.django_db

APPLIED, APPROVED, WAITLISTED, DECLINED, WITHDRAWN = (
    EnrollmentState.APPLIED,
    EnrollmentState.APPROVED,
    EnrollmentState.WAITLISTED,
    EnrollmentState.DECLINED,
    EnrollmentState.WITHDRAWN,
)
TZ = datetime.timezone(datetime.timedelta(hours=-5))  # the project's America/New_York in winter


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ)


def apply(user, cohort, role=Role.MENTEE, **kwargs):
    return services.enrollment_apply(user=user, cohort=cohort, role=role, **kwargs)


@pytest.fixture
def ky_cohort():
    return CohortFactory(program=seeded("ky-connections"), name="2026")


@pytest.fixture
def cohort():
    return CohortFactory(program=ProgramFactory())


def test_program_without_approval_approves_at_once(cohort):
    enrollment = apply(UserFactory(), cohort)

    assert enrollment.state == APPROVED
    assert enrollment.decided_at is not None


def test_program_with_approval_takes_an_application(ky_cohort):
    enrollment = apply(UserFactory(), ky_cohort, needs="n", challenges="c", strengths="s", areas_for_improvement="a")

    assert enrollment.state == APPLIED
    assert enrollment.decided_at is None
    assert enrollment.needs == "n"


@pytest.mark.parametrize(
    ("decide", "expected"),
    [
        (services.enrollment_approve, APPROVED),
        (services.enrollment_waitlist, WAITLISTED),
        (services.enrollment_decline, DECLINED),
        (services.enrollment_withdraw, WITHDRAWN),
    ],
)
def test_an_application_is_decided(ky_cohort, decide, expected):
    coordinator = UserFactory(is_staff=True)
    enrollment = apply(UserFactory(), ky_cohort)

    decide(enrollment=enrollment, by=coordinator, note="Talked on the phone.")

    enrollment.refresh_from_db()
    assert enrollment.state == expected
    assert enrollment.decided_by == coordinator
    assert enrollment.decision_note == "Talked on the phone."


@pytest.mark.parametrize(
    ("decide", "expected"),
    [(services.enrollment_approve, APPROVED), (services.enrollment_decline, DECLINED)],
)
def test_a_waitlisted_place_can_still_be_decided(ky_cohort, decide, expected):
    enrollment = EnrollmentFactory(cohort=ky_cohort, state=WAITLISTED)

    decide(enrollment=enrollment)

    enrollment.refresh_from_db()
    assert enrollment.state == expected


@pytest.mark.parametrize("state", [DECLINED, WITHDRAWN])
@pytest.mark.parametrize(
    "decide", [services.enrollment_approve, services.enrollment_waitlist, services.enrollment_decline]
)
def test_only_pending_enrolments_are_decided(ky_cohort, state, decide):
    enrollment = EnrollmentFactory(cohort=ky_cohort, state=state)

    with pytest.raises(RuleViolation) as error:
        decide(enrollment=enrollment)

    assert error.value.message == services.ENROLLMENT_NOT_PENDING.format(state=state.label.lower())
    enrollment.refresh_from_db()
    assert enrollment.state == state


@pytest.mark.parametrize("decide", [services.enrollment_waitlist, services.enrollment_decline])
def test_an_approved_place_is_not_decided_again(ky_cohort, decide):
    enrollment = EnrollmentFactory(cohort=ky_cohort, state=APPROVED)

    with pytest.raises(RuleViolation) as error:
        decide(enrollment=enrollment)

    assert error.value.message == services.ENROLLMENT_NOT_PENDING.format(state="approved")


def test_approving_twice_is_harmless(ky_cohort):
    enrollment = apply(UserFactory(), ky_cohort)
    services.enrollment_approve(enrollment=enrollment)

    assert services.enrollment_approve(enrollment=enrollment).state == APPROVED


@pytest.mark.parametrize(
    ("program_cap", "cohort_cap", "effective"),
    [(2, None, 2), (10, 1, 1), (None, 2, 2), (1, 3, 3)],
    ids=["program-cap", "cohort-lower", "cohort-only", "cohort-higher"],
)
def test_approval_respects_the_participant_cap(program_cap, cohort_cap, effective):
    program = ProgramFactory(requires_application_approval=True, participant_cap=program_cap)
    cohort = CohortFactory(program=program, participant_cap=cohort_cap)
    EnrollmentFactory.create_batch(effective, cohort=cohort, state=APPROVED)
    enrollment = apply(UserFactory(), cohort)

    with pytest.raises(RuleViolation) as error:
        services.enrollment_approve(enrollment=enrollment)

    assert error.value.message == services.PARTICIPANT_CAP_REACHED.format(cohort=cohort, cap=effective)
    assert error.value.code == "cap"
    enrollment.refresh_from_db()
    assert enrollment.state == APPLIED


def test_approval_below_the_cap_succeeds(ky_cohort):
    ky_cohort.participant_cap = 2
    ky_cohort.save()
    EnrollmentFactory(cohort=ky_cohort, state=APPROVED)
    EnrollmentFactory(cohort=ky_cohort, state=WITHDRAWN)  # a withdrawn place is free again
    enrollment = apply(UserFactory(), ky_cohort)

    assert services.enrollment_approve(enrollment=enrollment).state == APPROVED


def test_seeded_ky_cap_is_enforced(ky_cohort):
    cap = ky_cohort.program.participant_cap
    EnrollmentFactory.create_batch(cap, cohort=ky_cohort, state=APPROVED)
    enrollment = apply(UserFactory(), ky_cohort)

    with pytest.raises(RuleViolation, match=f"cap of {cap} participants"):
        services.enrollment_approve(enrollment=enrollment)


def test_a_full_cohort_without_approval_waitlists():
    cohort = CohortFactory(program=ProgramFactory(participant_cap=1))
    apply(UserFactory(), cohort)

    second = apply(UserFactory(), cohort)

    assert second.state == WAITLISTED


def test_withdrawing_moves_the_longest_waiting_person_up():
    cohort = CohortFactory(program=ProgramFactory(participant_cap=1))
    leaving = apply(UserFactory(), cohort)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        first_waiting = apply(UserFactory(), cohort)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        second_waiting = apply(UserFactory(), cohort)

    services.enrollment_withdraw(enrollment=leaving, by=leaving.user)

    for enrollment in (leaving, first_waiting, second_waiting):
        enrollment.refresh_from_db()
    assert (leaving.state, first_waiting.state, second_waiting.state) == (WITHDRAWN, APPROVED, WAITLISTED)
    # The person who left did not decide anyone else's place.
    assert first_waiting.decided_by is None


def test_withdrawing_a_pending_application_moves_nobody_up():
    cohort = CohortFactory(program=ProgramFactory(participant_cap=1))
    apply(UserFactory(), cohort)
    waiting = apply(UserFactory(), cohort)
    third = apply(UserFactory(), cohort)

    services.enrollment_withdraw(enrollment=waiting)

    third.refresh_from_db()
    assert third.state == WAITLISTED


def test_withdrawn_person_may_enrol_again(cohort):
    enrollment = apply(UserFactory(), cohort)
    services.enrollment_withdraw(enrollment=enrollment)

    again = apply(enrollment.user, cohort, motivation="Back again")

    assert again.pk == enrollment.pk
    assert again.state == APPROVED
    assert again.motivation == "Back again"


def test_duplicate_enrolment_is_refused(cohort):
    user = UserFactory()
    apply(user, cohort)

    with pytest.raises(RuleViolation) as error:
        apply(user, cohort)

    assert error.value.message == services.ALREADY_ENROLLED.format(cohort=cohort, role="mentee")


@pytest.mark.parametrize("slug", ["aahpm", "hpmsnj", "wtap", "ky-connections"])
def test_dual_role_is_refused_where_not_allowed(slug):
    program = seeded(slug)
    cohort = CohortFactory(program=program)
    user = UserFactory()
    apply(user, cohort, Role.MENTOR)

    with pytest.raises(RuleViolation) as error:
        apply(user, cohort, Role.MENTEE)

    assert error.value.message == services.DUAL_ROLE_NOT_ALLOWED.format(
        program=program.short_name, cohort=cohort, other_role="mentor"
    )


def test_hhs_allows_mentor_and_mentee_at_once():
    cohort = CohortFactory(program=seeded("hhs"))
    user = UserFactory()
    apply(user, cohort, Role.MENTOR)

    mentee = apply(user, cohort, Role.MENTEE, platform_preference=Platform.PEER_TO_PEER)

    assert mentee.state == APPROVED
    assert user.enrollments.filter(state=APPROVED).count() == 2


def test_hhs_mentee_must_pick_a_platform():
    cohort = CohortFactory(program=seeded("hhs"))

    with pytest.raises(RuleViolation) as error:
        apply(UserFactory(), cohort)

    assert error.value.message == services.PLATFORM_REQUIRED.format(
        program="HHS", choices="Senior-to-Junior, Peer-to-Peer"
    )


def test_hhs_mentor_needs_no_platform():
    cohort = CohortFactory(program=seeded("hhs"))

    mentor = apply(UserFactory(), cohort, Role.MENTOR, platform_preference=Platform.PEER_TO_PEER)

    assert mentor.platform_preference == ""


@pytest.mark.parametrize("platform", [Platform.SENIOR_TO_JUNIOR, "not-a-platform"])
def test_a_platform_the_program_does_not_offer_is_refused(platform):
    program = ProgramFactory(short_name="Peers", platforms=[Platform.PEER_TO_PEER])
    cohort = CohortFactory(program=program)

    with pytest.raises(RuleViolation) as error:
        apply(UserFactory(), cohort, platform_preference=platform)

    assert error.value.code == "platform"
    assert error.value.message.startswith("Peers does not offer the ")


@pytest.fixture
def windowed_cohort():
    program = ProgramFactory(coordinator_title="mentorship committee")
    return CohortFactory(
        program=program,
        name="2030",
        starts_on=datetime.date(2030, 1, 1),
        ends_on=datetime.date(2030, 12, 31),
        enrolment_opens_on=datetime.date(2029, 11, 1),
        enrolment_closes_on=datetime.date(2030, 1, 31),
    )


def test_enrolment_before_the_window_opens_is_refused(windowed_cohort):
    with time_machine.travel(at_noon(datetime.date(2029, 10, 31))), pytest.raises(RuleViolation) as error:
        apply(UserFactory(), windowed_cohort)

    assert error.value.message == services.ENROLMENT_NOT_YET_OPEN.format(
        cohort=windowed_cohort, opens=datetime.date(2029, 11, 1)
    )


@pytest.mark.parametrize("day", [datetime.date(2029, 11, 1), datetime.date(2030, 1, 31)], ids=["first", "last"])
def test_enrolment_on_the_window_edges_is_accepted(windowed_cohort, day):
    with time_machine.travel(at_noon(day)):
        assert apply(UserFactory(), windowed_cohort).state == APPROVED


def test_enrolment_after_the_window_closes_is_refused(windowed_cohort):
    with time_machine.travel(at_noon(datetime.date(2030, 2, 1))), pytest.raises(RuleViolation) as error:
        apply(UserFactory(), windowed_cohort)

    assert error.value.message == services.ENROLMENT_CLOSED.format(
        cohort=windowed_cohort, closes=datetime.date(2030, 1, 31), coordinator="mentorship committee"
    )


def test_enrolment_after_the_cohort_ended_is_refused(windowed_cohort):
    windowed_cohort.enrolment_closes_on = None
    windowed_cohort.save()

    with time_machine.travel(at_noon(datetime.date(2031, 1, 1))), pytest.raises(RuleViolation) as error:
        apply(UserFactory(), windowed_cohort)

    assert error.value.message == services.COHORT_CLOSED.format(cohort=windowed_cohort)


def test_enrolment_in_a_closed_cohort_is_refused(cohort):
    cohort.is_closed = True
    cohort.save()

    with pytest.raises(RuleViolation) as error:
        apply(UserFactory(), cohort)

    assert error.value.message == services.COHORT_CLOSED.format(cohort=cohort)
    assert not cohort.enrollments.exists()


def test_approval_in_a_closed_cohort_is_refused(ky_cohort):
    enrollment = apply(UserFactory(), ky_cohort)
    ky_cohort.is_closed = True
    ky_cohort.save()

    with pytest.raises(RuleViolation) as error:
        services.enrollment_approve(enrollment=enrollment)

    assert error.value.message == services.COHORT_CLOSED.format(cohort=ky_cohort)


def test_program_create_makes_the_creator_its_coordinator():
    coordinator = UserFactory(is_staff=True)

    program = services.program_create(
        created_by=coordinator, name="Nurses Mentoring", short_name="NURSES", slug="nurses", max_mentees_per_mentor=3
    )

    assert list(program.coordinator_links.values_list("user", flat=True)) == [coordinator.pk]


def test_program_create_refuses_contradictory_rules():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.program_create(
            created_by=None, name="X", short_name="X", slug="x", duration_months=12, ends_with_cohort=True
        )

    assert "ends_with_cohort" in error.value.message_dict
