"""Audit: changes to program rules, enrolments, mentorships and match
decisions are recorded with who, when and what; the history pages and the
per-program "Recent changes" page show them to that program's coordinators only."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchProposal, MatchRun, ProposalState
from matching.services import proposal_reject
from mentorship.models import Mentorship
from mentorship.services import mentorship_end
from mentorship.tests.factories import UserFactory
from programs import audit, services
from programs.models import Enrollment, EnrollmentState, Program, ProgramCoordinator, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory, EnrollmentFactory, seeded

pytestmark = pytest.mark.django_db


class World:
    def __init__(self):
        self.ky, self.hhs = seeded("ky-connections"), seeded("hhs")
        self.cohort = CohortFactory(program=self.ky, name="2026")
        self.hhs_cohort = CohortFactory(program=self.hhs, name="HHS 2026")
        self.sponsor = CoordinatorFactory(program=self.ky, user__email="sponsor@ky.example", user__first_name="Kim", user__last_name="Sponsor").user
        self.hhs_coordinator = CoordinatorFactory(program=self.hhs, user__email="opdiv@hhs.example").user
        self.application = EnrollmentFactory(cohort=self.cohort, state=EnrollmentState.APPLIED)
        self.hhs_enrollment = EnrollmentFactory(cohort=self.hhs_cohort, platform_preference="peer_to_peer")


@pytest.fixture
def world():
    return World()


def program_form(program: Program, **changes) -> dict:
    """The program's change form as the admin posts it, with some fields changed."""
    data = {}
    for field in program._meta.fields:
        if field.name in ("id", "created_at"):
            continue
        value = getattr(program, field.name)
        if value is None:
            value = ""
        if isinstance(value, bool):
            if value:
                data[field.name] = "on"
            continue
        data[field.name] = value
    data.update(changes)
    for key in ("matching_methods", "platforms"):
        data[key] = list(data[key]) if isinstance(data[key], list) else data[key]
    for prefix in ("cohorts", "event_patterns", "coordinator_links"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data


def test_a_rule_change_in_the_admin_is_recorded_with_who_when_and_what(client, world):
    client.force_login(world.sponsor)
    before = timezone.now()

    response = client.post(
        reverse("admin:programs_program_change", args=[world.ky.pk]), program_form(world.ky, participant_cap="25")
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    latest = world.ky.history.latest()
    assert latest.history_user == world.sponsor
    assert latest.history_date >= before
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("participant_cap", 40, 25)]


def test_an_approval_is_recorded_with_the_coordinator(client, world):
    client.force_login(world.sponsor)
    client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "approved_selected", "_selected_action": [world.application.pk]},
    )
    record = world.application.history.latest()
    assert (record.state, record.history_user) == (EnrollmentState.APPROVED, world.sponsor)
    assert record.prev_record.state == EnrollmentState.APPLIED


def test_mentorship_changes_and_match_decisions_keep_history(world):
    mentor, mentee = UserFactory(), UserFactory()
    for user, role in ((mentor, Role.MENTOR), (mentee, Role.MENTEE)):
        EnrollmentFactory(user=user, cohort=world.cohort, role=role)
    mentorship = Mentorship.objects.create(
        program=world.ky, cohort=world.cohort, mentor=mentor, mentee=mentee, mentor_slot=1, mentee_slot=1,
        started_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    mentorship_end(mentorship=mentorship, by=world.sponsor, reason="Moved away", completed=False)
    states = list(mentorship.history.order_by("history_date").values_list("state", flat=True))
    assert states[0] == "active" and states[-1] != "active"

    run = MatchRun.objects.create(program=world.ky, cohort=world.cohort, created_by=world.sponsor)
    proposal = MatchProposal.objects.create(run=run, mentee=mentee, mentor=mentor, score=0.5)
    proposal_reject(proposal=proposal, by=world.sponsor)
    record = proposal.history.latest()
    assert record.state == ProposalState.REJECTED and record.decided_by_id == world.sponsor.pk


def test_recent_changes_list_diffs_with_who_and_old_to_new(client, world):
    client.force_login(world.sponsor)
    client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "approved_selected", "_selected_action": [world.application.pk]},
    )
    client.post(reverse("admin:programs_program_change", args=[world.ky.pk]), program_form(world.ky, participant_cap="25"))

    response = client.get(reverse("admin:programs_program_changes", args=[world.ky.pk]))

    assert response.status_code == HTTPStatus.OK
    changes = response.context["changes"]
    rule = next(c for c in changes if c.what == "program" and c.kind == "changed")
    assert rule.who == "Kim Sponsor"
    assert [(f.field, f.old, f.new) for f in rule.fields] == [("participant cap", "40", "25")]
    approval = next(c for c in changes if c.what == "enrollment" and c.kind == "changed")
    assert ("state", "Applied", "Approved") in [(f.field, f.old, f.new) for f in approval.fields]
    assert approval.history_url == reverse("admin:programs_enrollment_history", args=[world.application.pk])
    body = response.content.decode()
    assert "Applied" in body and "Approved" in body and "Kim Sponsor" in body
    # Nothing of HHS.
    assert all(c.object_id != world.hhs_enrollment.pk or c.what != "enrollment" for c in changes)
    assert "HHS" not in " ".join(c.object_label for c in changes)


def test_another_programs_coordinator_sees_no_history(client, world):
    services.enrollment_approve(enrollment=world.application, by=world.sponsor)
    client.force_login(world.hhs_coordinator)

    assert client.get(reverse("admin:programs_program_changes", args=[world.ky.pk])).status_code == HTTPStatus.NOT_FOUND
    for name, pk in (("enrollment", world.application.pk), ("program", world.ky.pk), ("cohort", world.cohort.pk)):
        response = client.get(reverse(f"admin:programs_{name}_history", args=[pk]))
        assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND), name
    version = world.application.history.earliest()
    response = client.get(reverse("admin:programs_enrollment_simple_history", args=[world.application.pk, version.history_id]))
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    # Their own program's page lists only their own.
    own = client.get(reverse("admin:programs_program_changes", args=[world.hhs.pk])).context["changes"]
    assert own and all("KY" not in c.object_label for c in own)


def test_the_coordinators_history_page_shows_who_changed_the_enrolment(client, world):
    services.enrollment_approve(enrollment=world.application, by=world.sponsor)
    client.force_login(world.sponsor)
    response = client.get(reverse("admin:programs_enrollment_history", args=[world.application.pk]))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Applied" in body and "Approved" in body and "Kim Sponsor" in body
    assert "pk=None" not in body


def test_an_old_version_can_be_read_but_not_saved_back(client, world):
    world.cohort.participant_cap = 1
    world.cohort.save()
    target = world.application
    services.enrollment_approve(enrollment=target, by=world.sponsor)
    services.enrollment_withdraw(enrollment=target, by=target.user)
    services.enrollment_approve(
        enrollment=EnrollmentFactory(cohort=world.cohort, state=EnrollmentState.APPLIED), by=world.sponsor
    )  # the one place is taken again
    approved = target.history.filter(state=EnrollmentState.APPROVED).latest()
    client.force_login(world.sponsor)
    url = reverse("admin:programs_enrollment_simple_history", args=[target.pk, approved.history_id])

    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, {"state": EnrollmentState.APPROVED, "decision_note": "revert"})

    # Saving the old version would have put a second person in a cap-1 cohort.
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Enrollment.objects.get(pk=target.pk).state == EnrollmentState.WITHDRAWN


def test_coordinators_joining_and_leaving_are_recorded(world):
    link = ProgramCoordinator.objects.create(program=world.ky, user=UserFactory(is_staff=True))
    link.delete()
    assert list(ProgramCoordinator.history.filter(program=world.ky, user=link.user).values_list("history_type", flat=True)) == ["-", "+"]


def test_recent_changes_pages_cost_the_same_queries_however_many_rows(client, world):
    client.force_login(world.sponsor)
    url = reverse("admin:programs_program_changes", args=[world.ky.pk])
    for _ in range(3):
        services.enrollment_approve(enrollment=EnrollmentFactory(cohort=world.cohort, state=EnrollmentState.APPLIED))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(30):
        enrollment = EnrollmentFactory(cohort=CohortFactory(program=world.ky), state=EnrollmentState.APPLIED)
        services.enrollment_waitlist(enrollment=enrollment, by=world.sponsor)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["changes"]) == audit.PER_PAGE
    assert len(large) == len(small), [q["sql"][:100] for q in large.captured_queries]


def test_recent_changes_are_paged(client, world):
    for _ in range(audit.PER_PAGE):
        EnrollmentFactory(cohort=world.cohort)
    client.force_login(world.sponsor)
    url = reverse("admin:programs_program_changes", args=[world.ky.pk])
    first = client.get(url)
    assert first.context["has_more"]
    second = client.get(url + "?page=2")
    assert second.context["changes"] and not set(c.when for c in second.context["changes"]) > set(
        c.when for c in first.context["changes"]
    )
    assert client.get(url + "?page=nonsense").status_code == HTTPStatus.OK
