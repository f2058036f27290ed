"""Coordinators pair, end and reassign in the admin through the same services and rules."""

import pytest
from django.urls import reverse

from mentorship.models import Mentorship, MentorshipState
from mentorship.services import SUPERVISOR_CHAIN
from mentorship.tests.builders import enrol
from mentorship.tests.factories import UserFactory
from programs.models import EnrollmentState, Program, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ky():
    cohort = CohortFactory(program=Program.objects.get(slug="ky-connections"))
    coordinator = CoordinatorFactory(program=cohort.program).user
    return cohort, coordinator


def admin_pair(client, program, mentor, mentee, override=""):
    return client.post(
        reverse("admin:mentorship_mentorship_pair"),
        {"program": program.pk, "mentor": mentor.email, "mentee": mentee.email, "override_reason": override},
    )


def test_sponsor_pairs_two_approved_people(client, ky):
    cohort, coordinator = ky
    mentor, mentee = enrol(cohort, Role.MENTOR), enrol(cohort, Role.MENTEE)
    client.force_login(coordinator)
    response = admin_pair(client, cohort.program, mentor, mentee)
    mentorship = Mentorship.objects.get()
    assert response.status_code == 302
    assert (mentorship.mentor, mentorship.mentee, mentorship.origin, mentorship.created_by) == (mentor, mentee, "coordinator", coordinator)
    assert mentorship.planned_end_on == cohort.ends_on  # KY: the end of the program year


def test_the_supervisor_chain_is_refused_even_for_sponsors(client, ky):
    cohort, coordinator = ky
    mentor, mentee = enrol(cohort, Role.MENTOR), enrol(cohort, Role.MENTEE)
    mentee.profile.supervisor = mentor
    mentee.profile.save()
    client.force_login(coordinator)
    response = admin_pair(client, cohort.program, mentor, mentee, override="They get on well")
    assert response.status_code == 200
    import html

    message = SUPERVISOR_CHAIN.format(mentor=mentor, mentee=mentee, program="KY Connections")
    assert html.escape(message) in response.content.decode()
    assert not Mentorship.objects.exists()


def test_capacity_holds_in_the_admin(client, ky):
    cohort, coordinator = ky
    mentor = enrol(cohort, Role.MENTOR)
    first, second = enrol(cohort, Role.MENTEE), enrol(cohort, Role.MENTEE)
    client.force_login(coordinator)
    admin_pair(client, cohort.program, mentor, first)
    response = admin_pair(client, cohort.program, mentor, second, override="urgent")
    assert "the most KY Connections allows" in response.content.decode()
    assert Mentorship.objects.count() == 1


def test_an_unapproved_applicant_needs_an_override_reason_which_is_recorded(client, ky):
    cohort, coordinator = ky
    mentor = enrol(cohort, Role.MENTOR)
    applicant = enrol(cohort, Role.MENTEE, state=EnrollmentState.APPLIED)
    client.force_login(coordinator)
    refused = admin_pair(client, cohort.program, mentor, applicant)
    assert "override reason" in refused.content.decode()
    admin_pair(client, cohort.program, mentor, applicant, override="Existing informal pair, approved at the meeting")
    assert Mentorship.objects.get().override_reason == "Existing informal pair, approved at the meeting"


def test_end_and_reassign(client, ky):
    cohort, coordinator = ky
    mentor, other, mentee = enrol(cohort, Role.MENTOR), enrol(cohort, Role.MENTOR), enrol(cohort, Role.MENTEE)
    client.force_login(coordinator)
    admin_pair(client, cohort.program, mentor, mentee)
    first = Mentorship.objects.get()

    response = client.post(
        reverse("admin:mentorship_mentorship_reassign", args=[first.pk]),
        {"new_mentor": other.email, "reason": "Not a good fit at the 3-month questionnaire"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == MentorshipState.ENDED_EARLY and "questionnaire" in first.end_reason
    second = Mentorship.objects.get(state=MentorshipState.ACTIVE)
    assert (second.mentor, second.mentee) == (other, mentee)

    client.post(reverse("admin:mentorship_mentorship_end", args=[second.pk]), {"outcome": "ended_early", "reason": "Moved away"})
    second.refresh_from_db()
    assert second.state == MentorshipState.ENDED_EARLY and second.ended_by == coordinator


def test_a_coordinator_of_another_program_cannot_pair_end_or_reassign_here(client, ky):
    cohort, coordinator = ky
    mentor, mentee = enrol(cohort, Role.MENTOR), enrol(cohort, Role.MENTEE)
    client.force_login(coordinator)
    admin_pair(client, cohort.program, mentor, mentee)
    mentorship = Mentorship.objects.get()

    outsider = CoordinatorFactory(program=Program.objects.get(slug="hhs")).user
    client.force_login(outsider)
    response = admin_pair(client, cohort.program, UserFactory(), UserFactory())
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    for name in ("mentorship_mentorship_end", "mentorship_mentorship_reassign"):
        assert client.get(reverse(f"admin:{name}", args=[mentorship.pk])).status_code == 404
        assert client.post(reverse(f"admin:{name}", args=[mentorship.pk]), {"reason": "x", "outcome": "ended_early"}).status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE
    client.logout()
    assert client.get(reverse("admin:mentorship_mentorship_pair")).status_code == 302
