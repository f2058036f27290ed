"""Invitations: every pairing rule of PROGRAMS.md, accepting, declining,
withdrawing and expiry. Each rule test names the rule it guards and
asserts the exact message the person reads."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mentorship import services
from mentorship.models import (
    CareerLevel,
    Invitation,
    InvitationState,
    MeetingKind,
    Mentorship,
    MentorshipOrigin,
    MentorshipState,
    Notification,
)
from mentorship.tasks import invitations_expire_task
from mentorship.tests.factories import UserFactory
from programs import rules
from programs.errors import RuleViolation
from programs.models import EnrollmentState, Platform
from programs.tests.factories import CohortFactory, ProgramFactory, seeded

from .builders import cohort_of, coordinator_of, fill, invite, meeting, mentee_in, mentor_in, pair, profile, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def aahpm():
    return cohort_of("aahpm")


@pytest.fixture
def hhs():
    return cohort_of("hhs")


# ---------------------------------------------------------------------------
# Who may invite at all
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["hpmsnj", "ky-connections", "wtap"])
def test_programs_without_self_selection_refuse_invitations_and_say_how_pairs_form(slug):
    cohort = cohort_of(slug)
    mentee, mentor = mentee_in(cohort), mentor_in(cohort)
    program = cohort.program

    with refused(
        services.NOT_SELF_SELECTION.format(
            program=program.short_name, how=program.pairing_description, coordinator=program.coordinator_title
        )
    ):
        invite(cohort, mentee, mentor)

    assert not Invitation.objects.exists()


def test_a_new_program_without_a_pairing_description_still_explains():
    cohort = CohortFactory(program=ProgramFactory(matching_methods=["third_party"], pairing_description=""))
    program = cohort.program

    with refused(
        services.NOT_SELF_SELECTION.format(
            program=program.short_name, how="pairs are formed for you.", coordinator="program coordinator"
        )
    ):
        invite(cohort, mentee_in(cohort), mentor_in(cohort))


def test_inviting_yourself_is_refused(hhs):
    # HHS lets one person be mentor and mentee, so only the self rule stands in the way.
    person = mentor_in(hhs, mentee_in(hhs))

    with refused(services.INVITE_YOURSELF):
        invite(hhs, person, person)


def test_coordinator_cannot_pair_a_person_with_themselves(hhs):
    person = mentor_in(hhs, mentee_in(hhs))

    with refused(services.INVITE_YOURSELF):
        pair(hhs, person, person)


@pytest.mark.parametrize("state", [EnrollmentState.APPLIED, EnrollmentState.WAITLISTED, EnrollmentState.WITHDRAWN])
def test_mentee_not_approved_cannot_invite(aahpm, state):
    mentee = mentee_in(aahpm, state=state)

    with refused(services.MENTEE_NOT_APPROVED.format(person=mentee, program="AAHPM")):
        invite(aahpm, mentee, mentor_in(aahpm))


@pytest.mark.parametrize("state", [EnrollmentState.APPLIED, EnrollmentState.DECLINED, EnrollmentState.WITHDRAWN])
def test_mentor_not_approved_in_the_cohort_cannot_be_invited(aahpm, state):
    mentor = mentor_in(aahpm, state=state)

    with refused(services.MENTOR_NOT_APPROVED.format(person=mentor, cohort=aahpm)):
        invite(aahpm, mentee_in(aahpm), mentor)


def test_mentor_approved_only_in_another_cohort_cannot_be_invited(aahpm):
    mentor = mentor_in(cohort_of("aahpm"))

    with refused(services.MENTOR_NOT_APPROVED.format(person=mentor, cohort=aahpm)):
        invite(aahpm, mentee_in(aahpm), mentor)


@pytest.mark.parametrize(
    "cohort_fields",
    [
        {"is_closed": True},
        {
            "starts_on": datetime.date(2024, 1, 1),
            "ends_on": datetime.date(2024, 12, 31),
        },
    ],
    ids=["closed", "ended"],
)
def test_no_invitation_in_a_closed_or_ended_cohort(cohort_fields):
    cohort = cohort_of("aahpm", **cohort_fields)

    with refused(services.pairing.COHORT_CLOSED.format(cohort=cohort)):
        invite(cohort, mentee_in(cohort), mentor_in(cohort))


def test_duplicate_pending_invitation_is_refused(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    invite(aahpm, mentee, mentor)

    with refused(services.DUPLICATE_PENDING.format(mentor=mentor)):
        invite(aahpm, mentee, mentor)

    assert Invitation.objects.filter(mentee=mentee, mentor=mentor).count() == 1


def test_an_invitation_is_stamped_with_the_moment_the_service_sends_it(aahpm):
    """The "Sent" date is the service's `now`, not the moment the row is written
    (the demo sends its invitations weeks before the day it runs)."""
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    sent = timezone.now() - datetime.timedelta(days=20)
    invitation = invite(aahpm, mentee, mentor, now=sent)
    invitation.refresh_from_db()
    assert invitation.created_at == sent
    assert invitation.expires_at == sent + datetime.timedelta(days=aahpm.program.invitation_expiry_days)


def test_a_declined_invitation_may_be_sent_again(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    services.invitation_decline(invitation=invite(aahpm, mentee, mentor), by=mentor)

    assert invite(aahpm, mentee, mentor).state == InvitationState.PENDING


# ---------------------------------------------------------------------------
# Capacity
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "cap"), [("aahpm", 2), ("hhs", 5), (None, 1)])
def test_mentor_at_capacity_cannot_be_invited(slug, cap):
    cohort = cohort_of(slug) if slug else CohortFactory(program=ProgramFactory())
    program = cohort.program
    assert program.max_mentees_per_mentor == cap
    mentor = mentor_in(cohort)
    fill(cohort, mentor, cap - 1)
    mentee = mentee_in(cohort)
    invite(cohort, mentee, mentor)  # one place left: fine
    pair(cohort, mentor, mentee_in(cohort))  # now full

    people = "person" if cap == 1 else "people"
    with refused(
        services.MENTOR_AT_CAPACITY.format(mentor=mentor, count=cap, people=people, program=program.short_name)
    ):
        invite(cohort, mentee_in(cohort), mentor)


def test_an_ended_mentorship_frees_the_place(aahpm):
    mentor = mentor_in(aahpm)
    first, _ = fill(aahpm, mentor, 2)
    services.mentorship_end(mentorship=first, by=first.mentee, reason="We are done.")

    assert invite(aahpm, mentee_in(aahpm), mentor).state == InvitationState.PENDING


@pytest.mark.parametrize("slug", ["aahpm", "hhs", "hpmsnj", "wtap", "ky-connections"])
def test_every_seeded_program_allows_one_mentor_per_mentee(slug):
    cohort = cohort_of(slug)
    mentee = mentee_in(cohort)
    pair(cohort, mentor_in(cohort), mentee)
    other = mentor_in(cohort)

    with refused(
        services.MENTEE_HAS_MENTOR.format(mentee=mentee, count=1, mentors="mentor", program=cohort.program.short_name)
    ):
        pair(cohort, other, mentee)


def test_mentee_who_has_a_mentor_cannot_invite_another(aahpm):
    mentee = mentee_in(aahpm)
    pair(aahpm, mentor_in(aahpm), mentee)

    with refused(services.MENTEE_HAS_MENTOR.format(mentee=mentee, count=1, mentors="mentor", program="AAHPM")):
        invite(aahpm, mentee, mentor_in(aahpm))


def test_a_pair_cannot_be_formed_twice(hhs):
    mentee, mentor = mentee_in(hhs), mentor_in(hhs)
    pair(hhs, mentor, mentee)

    with refused(services.ALREADY_PAIRED.format(mentor=mentor, mentee=mentee, program="HHS")):
        invite(hhs, mentee, mentor)


# ---------------------------------------------------------------------------
# Dual role, supervisor chain, platform, pairs that ended
# ---------------------------------------------------------------------------


def test_mentee_who_is_a_mentor_here_cannot_invite_where_dual_role_is_not_allowed(aahpm):
    mentee = mentor_in(aahpm, mentee_in(aahpm))

    with refused(services.pairing.DUAL_ROLE.format(program="AAHPM", person=mentee, role="mentor")):
        invite(aahpm, mentee, mentor_in(aahpm))


def test_mentor_who_is_a_mentee_here_cannot_be_invited_where_dual_role_is_not_allowed(aahpm):
    mentor = mentee_in(aahpm, mentor_in(aahpm))

    with refused(services.pairing.DUAL_ROLE.format(program="AAHPM", person=mentor, role="mentee")):
        invite(aahpm, mentee_in(aahpm), mentor)


def test_still_mentoring_from_an_ended_cohort_counts_as_a_mentor(aahpm):
    # The person's mentor enrolment was in last year's cohort; their mentorship there is still active.
    last_year = cohort_of("aahpm", starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31))
    person = mentor_in(last_year)
    old_mentee = mentee_in(last_year)
    Mentorship.objects.create(
        program=last_year.program,
        cohort=last_year,
        mentor=person,
        mentee=old_mentee,
        mentor_slot=1,
        mentee_slot=1,
        started_on=datetime.date(2025, 2, 1),
    )
    mentee_in(aahpm, person)

    with refused(services.pairing.DUAL_ROLE.format(program="AAHPM", person=person, role="mentor")):
        invite(aahpm, person, mentor_in(aahpm))


def test_dual_role_is_judged_on_the_day_of_the_pairing():
    # A coordinator records a pairing made during last year's cohort: the person was a mentor then.
    last_year = cohort_of("aahpm", starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31))
    person = mentor_in(last_year, mentee_in(last_year))

    with refused(services.pairing.DUAL_ROLE.format(program="AAHPM", person=person, role="mentor")):
        pair(last_year, mentor_in(last_year), person, today=datetime.date(2025, 6, 1))


def test_hhs_allows_one_person_to_be_mentor_and_mentee_at_once(hhs):
    person = mentor_in(hhs, mentee_in(hhs))
    pair(hhs, person, mentee_in(hhs))  # already mentoring someone

    invitation = invite(hhs, person, mentor_in(hhs))
    mentorship = services.invitation_accept(invitation=invitation, by=invitation.mentor)

    assert mentorship.mentee == person
    assert Mentorship.objects.filter(state=MentorshipState.ACTIVE, mentor=person).count() == 1


@pytest.fixture
def ky():
    return cohort_of("ky-connections")


@pytest.mark.parametrize("line", ["first", "second"])
def test_ky_never_pairs_a_mentee_with_their_supervisor(ky, line):
    mentee, mentor = mentee_in(ky), mentor_in(ky)
    if line == "first":
        profile(mentee, supervisor=mentor)
    else:
        middle = UserFactory()
        profile(mentee, supervisor=middle)
        profile(middle, supervisor=mentor)

    with refused(services.SUPERVISOR_CHAIN.format(mentor=mentor, mentee=mentee, program="KY Connections")):
        pair(ky, mentor, mentee)
    with refused(services.SUPERVISOR_CHAIN.format(mentor=mentor, mentee=mentee, program="KY Connections")):
        pair(ky, mentor, mentee, override_reason="The sponsors know them well.")

    assert not Mentorship.objects.exists()


def test_ky_third_line_supervisor_may_mentor(ky):
    mentee, mentor = mentee_in(ky), mentor_in(ky)
    first, second = UserFactory(), UserFactory()
    profile(mentee, supervisor=first)
    profile(first, supervisor=second)
    profile(second, supervisor=mentor)

    assert pair(ky, mentor, mentee).is_active


def test_supervisor_chain_is_allowed_where_the_program_does_not_exclude_it(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    profile(mentee, supervisor=mentor)

    assert invite(aahpm, mentee, mentor).state == InvitationState.PENDING


@pytest.mark.parametrize(
    ("platform", "mentee_level", "mentor_level", "fits"),
    [
        (Platform.SENIOR_TO_JUNIOR, CareerLevel.MID, CareerLevel.SENIOR, True),
        (Platform.SENIOR_TO_JUNIOR, CareerLevel.MID, CareerLevel.MID, False),
        (Platform.SENIOR_TO_JUNIOR, CareerLevel.MID, CareerLevel.EARLY, False),
        (Platform.SENIOR_TO_JUNIOR, CareerLevel.MID, None, False),
        (Platform.PEER_TO_PEER, CareerLevel.MID, CareerLevel.MID, True),
        (Platform.PEER_TO_PEER, CareerLevel.MID, CareerLevel.SENIOR, False),
    ],
)
def test_hhs_platform_decides_the_mentors_career_level(hhs, platform, mentee_level, mentor_level, fits):
    mentee = mentee_in(hhs, platform_preference=platform)
    mentor = mentor_in(hhs)
    profile(mentee, career_level=mentee_level)
    profile(mentor, career_level=mentor_level)

    if fits:
        assert invite(hhs, mentee, mentor).state == InvitationState.PENDING
        return
    with refused(
        services.PLATFORM_MISMATCH.format(
            platform=Platform(platform).label,
            mentee=mentee,
            mentor=mentor,
            wanted="a more senior" if platform == Platform.SENIOR_TO_JUNIOR else "the same",
        )
    ):
        invite(hhs, mentee, mentor)


def test_pair_that_ended_cannot_invite_each_other_again(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    services.mentorship_end(mentorship=pair(aahpm, mentor, mentee), by=mentee, reason="Not a fit.")

    with refused(services.PAIR_ENDED_BEFORE.format(mentor=mentor, mentee=mentee, program="AAHPM")):
        invite(aahpm, mentee, mentor)


# ---------------------------------------------------------------------------
# Coordinator pairing and the override reason
# ---------------------------------------------------------------------------


def _soft_rule_case(case, cohort):
    """Set up a pair that breaks exactly one soft rule; return (mentor, mentee, the rule's message)."""
    program = cohort.program
    if case == "mentee_not_approved":
        mentee, mentor = mentee_in(cohort, state=EnrollmentState.APPLIED), mentor_in(cohort)
        return mentor, mentee, services.MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name)
    if case == "mentor_not_approved":
        mentee, mentor = mentee_in(cohort), mentor_in(cohort, state=EnrollmentState.WAITLISTED)
        return mentor, mentee, services.MENTOR_NOT_APPROVED.format(person=mentor, cohort=cohort)
    if case == "pair_ended":
        mentee, mentor = mentee_in(cohort), mentor_in(cohort)
        services.mentorship_end(mentorship=pair(cohort, mentor, mentee), by=coordinator_of(program), reason="Moved.")
        return mentor, mentee, services.PAIR_ENDED_BEFORE.format(
            mentor=mentor, mentee=mentee, program=program.short_name
        )
    if case == "platform":
        mentee, mentor = mentee_in(cohort, platform_preference=Platform.PEER_TO_PEER), mentor_in(cohort)
        profile(mentee, career_level=CareerLevel.EARLY)
        profile(mentor, career_level=CareerLevel.EXECUTIVE)
        return mentor, mentee, services.PLATFORM_MISMATCH.format(
            platform="Peer-to-Peer", mentee=mentee, mentor=mentor, wanted="the same"
        )
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["mentee_not_approved", "mentor_not_approved", "pair_ended", "platform"])
def test_coordinator_breaks_a_soft_rule_only_with_a_reason(hhs, case):
    mentor, mentee, problem = _soft_rule_case(case, hhs)
    coordinator = UserFactory(is_staff=True)

    with refused(services.OVERRIDE_REASON_REQUIRED.format(problem=problem)):
        pair(hhs, mentor, mentee, by=coordinator)
    with refused(services.OVERRIDE_REASON_REQUIRED.format(problem=problem)):
        pair(hhs, mentor, mentee, by=coordinator, override_reason="   ")

    mentorship = pair(hhs, mentor, mentee, by=coordinator, override_reason="  Existing pair registering late. ")

    assert mentorship.is_active
    assert mentorship.override_reason == "Existing pair registering late."
    assert mentorship.origin == MentorshipOrigin.COORDINATOR
    assert mentorship.created_by == coordinator


def test_coordinator_may_pair_a_mentee_with_no_enrolment_only_with_a_reason(hhs):
    mentee, mentor = UserFactory(), mentor_in(hhs)
    problem = services.MENTEE_NOT_APPROVED.format(person=mentee, program="HHS")

    with refused(services.OVERRIDE_REASON_REQUIRED.format(problem=problem)):
        services.mentorship_create(program=hhs.program, mentor=mentor, mentee=mentee, by=None)

    mentorship = services.mentorship_create(
        program=hhs.program, mentor=mentor, mentee=mentee, by=None, override_reason="Paper application."
    )
    assert mentorship.cohort == hhs


@pytest.mark.parametrize("case", ["capacity", "dual_role", "mentee_has_mentor"])
def test_the_override_reason_never_sets_aside_hard_rules(aahpm, case):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    if case == "capacity":
        fill(aahpm, mentor, 2)
        message = services.MENTOR_AT_CAPACITY.format(mentor=mentor, count=2, people="people", program="AAHPM")
    elif case == "dual_role":
        mentor_in(aahpm, mentee)
        message = services.pairing.DUAL_ROLE.format(program="AAHPM", person=mentee, role="mentor")
    else:
        pair(aahpm, mentor_in(aahpm), mentee)
        message = services.MENTEE_HAS_MENTOR.format(mentee=mentee, count=1, mentors="mentor", program="AAHPM")

    with refused(message):
        pair(aahpm, mentor, mentee, override_reason="The mentor agreed to make an exception.")


# ---------------------------------------------------------------------------
# Sending and accepting
# ---------------------------------------------------------------------------


def test_invitation_notifies_the_mentor_on_the_site_and_by_email(aahpm, django_capture_on_commit_callbacks):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(aahpm, mentee, mentor, message="  Goals of care conversations.  ")

    assert invitation.message == "Goals of care conversations."
    assert invitation.expires_at - invitation.created_at == pytest.approx(datetime.timedelta(days=10), abs=datetime.timedelta(seconds=5))
    notification = Notification.objects.get(user=mentor)
    assert "Goals of care conversations." in notification.body
    assert notification.url == invitation.get_absolute_url()
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [mentor.email]
    assert mail.outbox[0].subject == f"[Mentoring] {mentee.display_name} invites you to be their mentor (AAHPM)"
    assert "Goals of care conversations." in mail.outbox[0].body


def test_nothing_is_emailed_when_the_invitation_is_refused(aahpm, django_capture_on_commit_callbacks):
    mentor = mentor_in(aahpm)
    fill(aahpm, mentor, 2)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation):
        invite(aahpm, mentee_in(aahpm), mentor)

    assert mail.outbox == []


@pytest.mark.parametrize(("slug", "months"), [("aahpm", None), ("hhs", 12)])
def test_accepting_starts_an_active_mentorship(slug, months, django_capture_on_commit_callbacks):
    cohort = cohort_of(slug)
    mentee, mentor = mentee_in(cohort), mentor_in(cohort)
    invitation = invite(cohort, mentee, mentor)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mentorship = services.invitation_accept(invitation=invitation, by=mentor)

    today = timezone.localdate()
    assert mentorship.state == MentorshipState.ACTIVE
    assert (mentorship.mentor, mentorship.mentee, mentorship.cohort) == (mentor, mentee, cohort)
    assert mentorship.origin == MentorshipOrigin.INVITATION
    assert mentorship.invitation == invitation
    assert mentorship.started_on == today
    assert mentorship.planned_end_on == (rules.add_months(today, months) if months else None)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert invitation.responded_at is not None
    assert {n.user for n in Notification.objects.filter(url=mentorship.get_absolute_url())} == {mentor, mentee}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("hpmsnj", lambda start, cohort: rules.add_months(start, 12)),
        ("hhs", lambda start, cohort: rules.add_months(start, 12)),
        ("wtap", lambda start, cohort: rules.add_months(start, 36)),
        ("ky-connections", lambda start, cohort: cohort.ends_on),
        ("aahpm", lambda start, cohort: None),
    ],
)
def test_planned_end_follows_the_program(slug, expected):
    cohort = cohort_of(slug, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
    start = datetime.date(2026, 1, 31)

    mentorship = pair(cohort, mentor_in(cohort), mentee_in(cohort), today=start)

    assert mentorship.started_on == start
    assert mentorship.planned_end_on == expected(start, cohort)


def test_aahpm_pair_records_the_duration_after_the_discovery_call(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    mentorship = services.invitation_accept(invitation=invite(aahpm, mentee, mentor), by=mentor)
    meeting(mentorship, kind=MeetingKind.DISCOVERY, status="scheduled")

    with refused(services.DISCOVERY_REQUIRED_FOR_DURATION):
        services.mentorship_set_duration(mentorship=mentorship, by=mentee, months=9)

    meeting(mentorship, kind=MeetingKind.DISCOVERY)
    mentorship = services.mentorship_set_duration(mentorship=mentorship, by=mentee, months=9)

    assert mentorship.agreed_duration_months == 9
    assert mentorship.planned_end_on == rules.add_months(mentorship.started_on, 9)


@pytest.mark.parametrize(("slug", "duration"), [("hhs", "12 months"), ("ky-connections", "the program year")])
def test_duration_is_not_agreed_per_pair_where_the_program_sets_it(slug, duration):
    cohort = cohort_of(slug)
    mentorship = pair(cohort, mentor_in(cohort), mentee_in(cohort))

    with refused(services.DURATION_FIXED.format(program=cohort.program.short_name, duration=duration)):
        services.mentorship_set_duration(mentorship=mentorship, by=mentorship.mentor, months=9)


def test_accepting_withdraws_the_mentees_other_pending_invitations_in_that_program(
    aahpm, hhs, django_capture_on_commit_callbacks
):
    mentee = mentee_in(aahpm)
    mentee_in(hhs, mentee)
    chosen, other_a, other_b = mentor_in(aahpm), mentor_in(aahpm), mentor_in(aahpm)
    accepted = invite(aahpm, mentee, chosen)
    withdrawn = [invite(aahpm, mentee, other_a), invite(aahpm, mentee, other_b)]
    elsewhere = invite(hhs, mentee, mentor_in(hhs))
    someone_elses = invite(aahpm, mentee_in(aahpm), other_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(invitation=accepted, by=chosen)

    for invitation in withdrawn:
        invitation.refresh_from_db()
        assert invitation.state == InvitationState.WITHDRAWN
        assert Notification.objects.filter(user=invitation.mentor, url=invitation.get_absolute_url()).exists()
    elsewhere.refresh_from_db()
    someone_elses.refresh_from_db()
    assert elsewhere.state == InvitationState.PENDING
    assert someone_elses.state == InvitationState.PENDING


def test_accept_checks_the_rules_again(aahpm):
    mentor = mentor_in(aahpm)
    invitations = [invite(aahpm, mentee_in(aahpm), mentor) for _ in range(3)]
    services.invitation_accept(invitation=invitations[0], by=mentor)
    services.invitation_accept(invitation=invitations[1], by=mentor)

    # The mentor reads it: in their own words, not their own name.
    with refused(services.YOU_ARE_AT_CAPACITY.format(count=2, people="people", program="AAHPM")):
        services.invitation_accept(invitation=invitations[2], by=mentor)

    invitations[2].refresh_from_db()
    assert invitations[2].state == InvitationState.PENDING
    assert Mentorship.objects.filter(mentor=mentor, state=MentorshipState.ACTIVE).count() == 2


def _full_mentor_with_an_invitation(aahpm):
    """An AAHPM mentor invited while free, then full (two mentees) before answering."""
    mentor, mentee = mentor_in(aahpm), mentee_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)
    fill(aahpm, mentor, 2)
    return mentor, mentee, invitation


def test_a_full_mentor_reads_why_accept_is_disabled_in_their_own_words(aahpm, client):
    mentor, _, invitation = _full_mentor_with_an_invitation(aahpm)
    client.force_login(mentor)

    body = client.get(invitation.get_absolute_url()).content.decode()

    you = services.YOU_ARE_AT_CAPACITY.format(count=2, people="people", program="AAHPM")
    assert "You have 0 of 2 places free in AAHPM." in body
    assert f'<div class="alert alert-warning" id="accept-refusal" role="alert">{you}</div>' in body
    assert 'type="submit" disabled aria-describedby="accept-refusal">Accept</button>' in body
    assert escape(mentor.display_name) + " already mentors" not in body


def test_a_free_mentors_accept_is_enabled(aahpm, client):
    mentor, mentee = mentor_in(aahpm), mentee_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)
    client.force_login(mentor)

    body = client.get(invitation.get_absolute_url()).content.decode()

    assert '<button class="btn btn-success" type="submit">Accept</button>' in body
    assert "accept-refusal" not in body


def test_a_full_mentors_accept_posted_anyway_is_refused_once_in_their_words(aahpm, client):
    mentor, _, invitation = _full_mentor_with_an_invitation(aahpm)
    client.force_login(mentor)

    body = client.post(reverse("invitations:accept", args=[invitation.pk])).content.decode()

    you = services.YOU_ARE_AT_CAPACITY.format(count=2, people="people", program="AAHPM")
    assert body.count(you) == 1
    assert 'disabled aria-describedby="accept-refusal"' in body
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_the_mentee_reads_the_full_mentors_name(aahpm, client):
    mentor, mentee, invitation = _full_mentor_with_an_invitation(aahpm)

    with refused(services.MENTOR_AT_CAPACITY.format(mentor=mentor, count=2, people="people", program="AAHPM")):
        invite(aahpm, mentee_in(aahpm), mentor)
    # The mentee's own page of the pending invitation offers no Accept and no refusal meant for the mentor.
    client.force_login(mentee)
    body = client.get(invitation.get_absolute_url()).content.decode()
    assert "You already mentor" not in body


def test_coordinator_pairing_withdraws_the_mentees_pending_invitations(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)
    pair(aahpm, mentor_in(aahpm), mentee)  # the coordinator paired them with someone else

    with refused(services.INVITATION_NOT_PENDING.format(state="withdrawn")):
        services.invitation_accept(invitation=invitation, by=mentor)


def test_accept_refused_when_the_mentee_has_a_mentor_already(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)
    # A mentorship that did not come through the services (an import, a data fix) still counts.
    Mentorship.objects.create(
        program=aahpm.program,
        cohort=aahpm,
        mentor=mentor_in(aahpm),
        mentee=mentee,
        mentor_slot=1,
        mentee_slot=1,
        started_on=timezone.localdate(),
    )

    with refused(services.MENTEE_HAS_MENTOR.format(mentee=mentee, count=1, mentors="mentor", program="AAHPM")):
        services.invitation_accept(invitation=invitation, by=mentor)


def test_accept_refused_when_the_cohort_closed_meanwhile(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)
    aahpm.is_closed = True
    aahpm.save()

    with refused(services.pairing.COHORT_CLOSED.format(cohort=aahpm)):
        services.invitation_accept(invitation=invitation, by=mentor)


def test_accept_refused_when_the_mentor_left_the_cohort(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)
    mentor.enrollments.update(state=EnrollmentState.WITHDRAWN)

    with refused(services.MENTOR_NOT_APPROVED.format(person=mentor, cohort=aahpm)):
        services.invitation_accept(invitation=invitation, by=mentor)


def test_only_the_invited_mentor_may_accept_or_decline(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)

    for person in (mentee, mentor_in(aahpm)):
        with refused(services.NOT_YOUR_INVITATION.format(who="the invited mentor")):
            services.invitation_accept(invitation=invitation, by=person)
        with refused(services.NOT_YOUR_INVITATION.format(who="the invited mentor")):
            services.invitation_decline(invitation=invitation, by=person, reason="No.")
    with refused(services.NOT_YOUR_INVITATION.format(who="the mentee who sent it")):
        services.invitation_withdraw(invitation=invitation, by=mentor)

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


@pytest.mark.parametrize("first", ["accept", "decline", "withdraw"])
def test_an_answered_invitation_cannot_be_answered_again(aahpm, first):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)
    if first == "accept":
        services.invitation_accept(invitation=invitation, by=mentor)
        state = "accepted"
    elif first == "decline":
        services.invitation_decline(invitation=invitation, by=mentor)
        state = "declined"
    else:
        services.invitation_withdraw(invitation=invitation, by=mentee)
        state = "withdrawn"

    message = services.INVITATION_NOT_PENDING.format(state=state)
    with refused(message):
        services.invitation_accept(invitation=invitation, by=mentor)
    with refused(message):
        services.invitation_decline(invitation=invitation, by=mentor)
    with refused(message):
        services.invitation_withdraw(invitation=invitation, by=mentee)
    assert Mentorship.objects.count() == (1 if first == "accept" else 0)


# ---------------------------------------------------------------------------
# Declining and withdrawing
# ---------------------------------------------------------------------------


def test_decline_reason_reaches_the_mentee(aahpm, client, django_capture_on_commit_callbacks):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)
    invitation = invite(aahpm, mentee, mentor)

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_decline(invitation=invitation, by=mentor, reason="  I am on sabbatical until June.  ")

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    assert invitation.decline_reason == "I am on sabbatical until June."
    notification = Notification.objects.get(user=mentee)
    assert "I am on sabbatical until June." in notification.body
    assert mail.outbox[-1].to == [mentee.email]
    client.force_login(mentee)
    assert "I am on sabbatical until June." in client.get(invitation.get_absolute_url()).content.decode()
    assert "I am on sabbatical until June." in client.get("/invitations/").content.decode()


def test_decline_without_a_reason(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)

    invitation = services.invitation_decline(invitation=invite(aahpm, mentee, mentor), by=mentor)

    assert invitation.decline_reason == ""
    assert "Their reason" not in Notification.objects.get(user=mentee).body


def test_mentee_withdraws_a_pending_invitation(aahpm):
    mentee, mentor = mentee_in(aahpm), mentor_in(aahpm)

    invitation = services.invitation_withdraw(invitation=invite(aahpm, mentee, mentor), by=mentee)

    assert invitation.state == InvitationState.WITHDRAWN
    assert invite(aahpm, mentee, mentor).state == InvitationState.PENDING  # may invite again


# ---------------------------------------------------------------------------
# Expiry
# ---------------------------------------------------------------------------

SENT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def week_program_invitation():
    """An invitation in a program whose invitations last 7 days, sent at SENT."""
    cohort = CohortFactory(
        program=ProgramFactory(invitation_expiry_days=7),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    with time_machine.travel(SENT, tick=False):
        return invite(cohort, mentee_in(cohort), mentor_in(cohort))


def _run_expiry(at: datetime.datetime, times: int = 1, capture=None) -> list[dict]:
    results = []
    with time_machine.travel(at, tick=False):
        for _ in range(times):
            with capture(execute=True):
                results.append(invitations_expire_task.delay().get())
    return results


def test_invitation_expires_after_the_programs_days_with_one_reminder_first(
    week_program_invitation, django_capture_on_commit_callbacks
):
    invitation = week_program_invitation
    capture = django_capture_on_commit_callbacks
    assert invitation.expires_at == SENT + datetime.timedelta(days=7)
    mentor_mail = lambda: [m for m in mail.outbox if m.to == [invitation.mentor.email] and "Reminder" in m.subject]

    # Three days out: nothing to do yet.
    assert _run_expiry(SENT + datetime.timedelta(days=4), capture=capture) == [{"expired": 0, "reminded": 0}]
    # Inside the last 48 hours: one reminder, however often the task runs.
    results = _run_expiry(SENT + datetime.timedelta(days=5, hours=12), times=3, capture=capture)
    results += _run_expiry(SENT + datetime.timedelta(days=6, hours=20), times=2, capture=capture)
    assert [r["reminded"] for r in results] == [1, 0, 0, 0, 0]
    assert len(mentor_mail()) == 1
    assert Notification.objects.filter(user=invitation.mentor, subject__startswith="Reminder").count() == 1
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING

    # Past the expiry: expired once, the mentee told once.
    results = _run_expiry(SENT + datetime.timedelta(days=7, minutes=1), times=3, capture=capture)
    assert [r["expired"] for r in results] == [1, 0, 0]
    assert [r["reminded"] for r in results] == [0, 0, 0]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.EXPIRED
    assert Notification.objects.filter(user=invitation.mentee, subject__contains="expired").count() == 1
    assert len(mentor_mail()) == 1


def test_expired_invitation_cannot_be_accepted_even_before_the_task_runs(week_program_invitation):
    invitation = week_program_invitation

    with time_machine.travel(SENT + datetime.timedelta(days=7, seconds=1), tick=False):
        with refused(services.INVITATION_NOT_PENDING.format(state="expired")):
            services.invitation_accept(invitation=invitation, by=invitation.mentor)

    assert not Mentorship.objects.exists()
    # The refusal did not roll the expiry back: it is stored, and the mentee told once.
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.EXPIRED
    assert Notification.objects.filter(user=invitation.mentee, subject__contains="expired").count() == 1
    with time_machine.travel(SENT + datetime.timedelta(days=8), tick=False):
        assert services.invitations_expire()["expired"] == 0


def test_answered_invitations_are_not_reminded_or_expired(week_program_invitation, django_capture_on_commit_callbacks):
    invitation = week_program_invitation
    services.invitation_decline(invitation=invitation, by=invitation.mentor)

    results = _run_expiry(SENT + datetime.timedelta(days=6), capture=django_capture_on_commit_callbacks)
    results += _run_expiry(SENT + datetime.timedelta(days=8), capture=django_capture_on_commit_callbacks)

    assert results == [{"expired": 0, "reminded": 0}, {"expired": 0, "reminded": 0}]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED


def test_seeded_programs_expire_invitations_after_ten_days(aahpm):
    invitation = invite(aahpm, mentee_in(aahpm), mentor_in(aahpm))

    assert seeded("aahpm").invitation_expiry_days == 10
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        datetime.timedelta(days=10), abs=datetime.timedelta(seconds=5)
    )
