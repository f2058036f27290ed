"""Match runs and shortlists through the database and the mentorship services."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import MatchProposal, MatchRun, ProposalState, Shortlist
from mentorship.models import Mentorship, MentorshipOrigin, MentorshipState, Notification, Skill
from mentorship.tests.factories import UserFactory
from programs.errors import RuleViolation
from programs.models import EnrollmentState, Program, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def person(cohort, role, *, level=None, skills=(), needs=(), location=None, lat=None, lon=None, supervisor=None, platform=""):
    user = UserFactory()
    profile = user.profile
    profile.career_level = level
    profile.latitude, profile.longitude = lat, lon
    profile.location = location or ""
    profile.supervisor = supervisor
    profile.save()
    profile.skills_offered.set([Skill.objects.get_or_create(name=s)[0] for s in skills])
    profile.development_needs.set([Skill.objects.get_or_create(name=s)[0] for s in needs])
    EnrollmentFactory(user=user, cohort=cohort, role=role, state=EnrollmentState.APPROVED, platform_preference=platform)
    return user


@pytest.fixture
def hhs_cohort():
    return CohortFactory(program=Program.objects.get(slug="hhs"))


def test_match_run_proposes_the_best_pair_with_reasons_that_add_up(hhs_cohort):
    mentee = person(hhs_cohort, Role.MENTEE, level=2, needs=["Budgeting", "Grant writing"], lat=38.98, lon=-77.10, platform="senior_to_junior")
    good = person(hhs_cohort, Role.MENTOR, level=4, skills=["Budgeting", "Grant writing"], lat=38.99, lon=-77.09)
    person(hhs_cohort, Role.MENTOR, level=4, skills=["Negotiation"], lat=33.75, lon=-84.39)

    run = services.match_run_create(program=hhs_cohort.program, cohort=hhs_cohort, by=None)

    proposal = run.proposals.get()
    assert (proposal.mentee, proposal.mentor) == (mentee, good)
    assert proposal.score == pytest.approx(sum(c["contribution"] for c in proposal.components), abs=1e-6)
    # The proposals are the coordinator's to read: about the mentee, levels by name.
    assert "Offers both of the mentee's development needs: Budgeting and Grant writing" in proposal.reasons
    assert any(r.endswith("km apart") for r in proposal.reasons)
    assert "Senior-to-junior, as the mentee asked: the mentor is senior, the mentee early career" in proposal.reasons
    assert not Mentorship.objects.exists(), "nothing is paired before a coordinator confirms"


def test_platform_is_a_hard_constraint_and_unmatched_mentees_say_why(hhs_cohort):
    mentee = person(hhs_cohort, Role.MENTEE, level=3, needs=["Budgeting"], platform="peer_to_peer")
    person(hhs_cohort, Role.MENTOR, level=5, skills=["Budgeting"])

    run = services.match_run_create(program=hhs_cohort.program, cohort=hhs_cohort, by=None)

    assert not run.proposals.exists()
    assert run.unmatched.get().mentee == mentee
    assert run.unmatched.get().reason == services.NO_ELIGIBLE_MENTOR


def test_low_scores_are_reported_as_such(hhs_cohort):
    weights = hhs_cohort.program.matching_weights
    weights.min_score = 0.9
    weights.save()
    person(hhs_cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior")
    person(hhs_cohort, Role.MENTOR, level=4, skills=["Negotiation"])

    run = services.match_run_create(program=hhs_cohort.program, cohort=hhs_cohort, by=None)

    assert run.unmatched.get().reason.startswith("only low scores")


def test_supervisor_chain_is_never_proposed():
    cohort = CohortFactory(program=Program.objects.get(slug="ky-connections"))
    boss = person(cohort, Role.MENTOR, level=5, skills=["Budgeting"], lat=38.25, lon=-85.76)
    mentee = person(cohort, Role.MENTEE, level=2, needs=["Budgeting"], lat=38.25, lon=-85.76, supervisor=boss)
    other = person(cohort, Role.MENTOR, level=4, skills=["Budgeting"], lat=37.0, lon=-84.0)

    run = services.match_run_create(program=cohort.program, cohort=cohort, by=None)

    assert run.proposals.get().mentor == other
    assert run.proposals.get().mentee == mentee


def test_second_line_supervisor_is_never_proposed():
    cohort = CohortFactory(program=Program.objects.get(slug="ky-connections"))
    grand_boss = person(cohort, Role.MENTOR, level=5, skills=["Budgeting"])
    boss = UserFactory()
    boss.profile.supervisor = grand_boss
    boss.profile.save()
    person(cohort, Role.MENTEE, level=2, needs=["Budgeting"], supervisor=boss)

    run = services.match_run_create(program=cohort.program, cohort=cohort, by=None)

    assert not run.proposals.exists()
    assert run.unmatched.get().reason == services.NO_ELIGIBLE_MENTOR


def test_capacity_is_respected_and_most_mentees_are_matched(hhs_cohort):
    program = hhs_cohort.program
    program.max_mentees_per_mentor = 2
    program.save()
    mentors = [person(hhs_cohort, Role.MENTOR, level=4, skills=["Budgeting"]) for _ in range(2)]
    mentees = [person(hhs_cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior") for _ in range(5)]

    run = services.match_run_create(program=program, cohort=hhs_cohort, by=None)

    assert run.proposals.count() == 4
    for mentor in mentors:
        assert run.proposals.filter(mentor=mentor).count() == 2
    assert run.unmatched.count() == 1
    assert run.unmatched.get().mentee in mentees
    assert run.unmatched.get().reason == services.TAKEN_BY_BETTER


def test_confirm_creates_mentorships_through_the_services_and_notifies(hhs_cohort, django_capture_on_commit_callbacks, mailoutbox):
    coordinator = CoordinatorFactory(program=hhs_cohort.program).user
    mentee = person(hhs_cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior")
    mentor = person(hhs_cohort, Role.MENTOR, level=4, skills=["Budgeting"])
    run = services.match_run_create(program=hhs_cohort.program, cohort=hhs_cohort, by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.match_run_confirm(run=run, proposals=list(run.proposals.all()), by=coordinator)

    assert result == {"confirmed": 1, "failed": 0}
    mentorship = Mentorship.objects.get()
    assert (mentorship.mentor, mentorship.mentee, mentorship.origin) == (mentor, mentee, MentorshipOrigin.AUTO_MATCH)
    assert mentorship.state == MentorshipState.ACTIVE
    assert Notification.objects.filter(user=mentee).exists() and Notification.objects.filter(user=mentor).exists()
    assert {m.to[0] for m in mailoutbox} >= {mentee.email, mentor.email}
    assert MatchRun.objects.get().state == "confirmed"


def test_rerunning_skips_those_already_paired(hhs_cohort):
    person(hhs_cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior")
    person(hhs_cohort, Role.MENTOR, level=4, skills=["Budgeting"])
    first = services.match_run_create(program=hhs_cohort.program, cohort=hhs_cohort, by=None)
    services.match_run_confirm(run=first, proposals=list(first.proposals.all()), by=None)

    second = services.match_run_create(program=hhs_cohort.program, cohort=hhs_cohort, by=None)

    assert second.proposals.count() == 0
    assert second.unmatched.count() == 0
    assert second.mentees_considered == 0


def test_confirm_refuses_a_mentor_who_filled_up_meanwhile(hhs_cohort):
    program = hhs_cohort.program
    program.max_mentees_per_mentor = 1
    program.save()
    person(hhs_cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior")
    mentor = person(hhs_cohort, Role.MENTOR, level=4, skills=["Budgeting"])
    run = services.match_run_create(program=program, cohort=hhs_cohort, by=None)
    # Meanwhile the mentor takes another mentee by invitation.
    other = person(hhs_cohort, Role.MENTEE, level=2, platform="senior_to_junior")
    from mentorship import services as mentorship_services

    mentorship_services.mentorship_create(program=program, cohort=hhs_cohort, mentor=mentor, mentee=other, by=None)

    result = services.match_run_confirm(run=run, proposals=list(run.proposals.all()), by=None)

    assert result == {"confirmed": 0, "failed": 1}
    proposal = MatchProposal.objects.get()
    assert proposal.state == ProposalState.FAILED
    assert "the most HHS allows" in proposal.message


def test_reject_and_swap(hhs_cohort):
    person(hhs_cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior")
    person(hhs_cohort, Role.MENTOR, level=4, skills=["Budgeting"])
    alternative = person(hhs_cohort, Role.MENTOR, level=5, skills=["Negotiation"])
    run = services.match_run_create(program=hhs_cohort.program, cohort=hhs_cohort, by=None)
    proposal = run.proposals.get()

    swapped = services.proposal_swap(proposal=proposal, mentor=alternative, by=None)
    assert swapped.mentor == alternative
    assert swapped.score == pytest.approx(sum(c["contribution"] for c in swapped.components))

    services.proposal_reject(proposal=swapped, by=None)
    with pytest.raises(RuleViolation, match="already rejected"):
        services.proposal_reject(proposal=swapped, by=None)


def test_swap_to_an_ineligible_mentor_is_refused(hhs_cohort):
    person(hhs_cohort, Role.MENTEE, level=3, needs=["Budgeting"], platform="senior_to_junior")
    person(hhs_cohort, Role.MENTOR, level=4, skills=["Budgeting"])
    peer = person(hhs_cohort, Role.MENTOR, level=3, skills=["Budgeting"])
    run = services.match_run_create(program=hhs_cohort.program, cohort=hhs_cohort, by=None)

    with pytest.raises(RuleViolation, match="Senior-to-Junior"):
        services.proposal_swap(proposal=run.proposals.get(), mentor=peer, by=None)


def test_auto_matching_refused_where_pairs_form_by_invitation():
    cohort = CohortFactory(program=Program.objects.get(slug="aahpm"))
    with pytest.raises(RuleViolation, match="does not use auto-matching"):
        services.match_run_create(program=cohort.program, cohort=cohort, by=None)


def test_shortlist_reaches_the_mentee_and_the_directory(client, hhs_cohort, django_capture_on_commit_callbacks):
    coordinator = CoordinatorFactory(program=hhs_cohort.program).user
    mentee = person(hhs_cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior")
    mentor = person(hhs_cohort, Role.MENTOR, level=4, skills=["Budgeting"])
    ranked = services.ranked_mentors(program=hhs_cohort.program, mentee=mentee)
    assert [row["mentor"] for row in ranked] == [mentor]

    with django_capture_on_commit_callbacks(execute=True):
        services.shortlist_create(
            program=hhs_cohort.program, mentee=mentee, mentors=[mentor], note="For budgeting help", by=coordinator
        )

    assert Shortlist.objects.get().entries.get().mentor == mentor
    assert Notification.objects.filter(user=mentee, subject__contains="suggests 1 potential mentor").exists()
    client.force_login(mentee)
    page = client.get(reverse("directory:list", kwargs={"slug": "hhs"}))
    assert "For budgeting help" in page.content.decode()
    assert "suggests these mentors" in page.content.decode()
    # The mentee reads the reasons in their own words; the coordinator's page about the mentee.
    assert "Offers the skill you want to develop: Budgeting" in page.content.decode()
    assert "Senior-to-junior, as you asked: they are senior, you are early career" in page.content.decode()
    coordinator_rows = services.ranked_mentors(program=hhs_cohort.program, mentee=mentee, audience="coordinator")
    assert "Offers the mentee's one development need: Budgeting" in coordinator_rows[0]["reasons"]


def test_shortlist_refused_outside_third_party_programs():
    cohort = CohortFactory(program=Program.objects.get(slug="aahpm"))
    mentee = person(cohort, Role.MENTEE, needs=["Budgeting"])
    mentor = person(cohort, Role.MENTOR, skills=["Budgeting"])
    with pytest.raises(RuleViolation, match="does not use third-party matching"):
        services.shortlist_create(program=cohort.program, mentee=mentee, mentors=[mentor], note="", by=None)


def test_demo_hhs_cohort_runs_end_to_end():
    call_command("seed_demo", quiet=True)
    program = Program.objects.get(slug="hhs")
    cohort = program.cohorts.get(name=f"{timezone.localdate().year}–{timezone.localdate().year + 1}")
    run = services.match_run_create(program=program, cohort=cohort, by=None)
    assert run.proposals.count() + run.unmatched.count() == run.mentees_considered
    # The demo pairs most of HHS; the mentee still waiting gets a proposal.
    assert run.proposals.count() >= 1
