"""Coordinators see and change only their own programs in the admin."""

import datetime
import json
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from mentorship.tests.factories import UserFactory
from programs import services
from programs.errors import RuleViolation
from programs.models import Cohort, Enrollment, EnrollmentState, Program, ProgramCoordinator, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory, EnrollmentFactory, seeded

pytestmark = pytest.mark.django_db


class World:
    """Program A (AAHPM) run by `coordinator`, program B (HHS) run by someone else."""

    def __init__(self):
        self.a, self.b = seeded("aahpm"), seeded("hhs")
        self.cohort_a = CohortFactory(program=self.a, name="Alpha year")
        self.cohort_b = CohortFactory(program=self.b, name="Bravo year")
        self.person_a = UserFactory(email="ann@a.example", first_name="Ann", last_name="Inscope")
        self.person_b = UserFactory(email="bob@b.example", first_name="Bob", last_name="Outofscope")
        self.enrollment_a = EnrollmentFactory(user=self.person_a, cohort=self.cohort_a)
        self.enrollment_b = EnrollmentFactory(user=self.person_b, cohort=self.cohort_b, platform_preference="peer_to_peer")
        self.coordinator = CoordinatorFactory(program=self.a, user__email="coord@a.example").user
        self.coordinator_b = CoordinatorFactory(program=self.b, user__email="coord@b.example").user


@pytest.fixture
def world():
    return World()


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


def admin_url(model, action, *args):
    return reverse(f"admin:programs_{model}_{action}", args=args)


def error_messages(response):
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


@pytest.mark.parametrize(
    ("model", "seen", "hidden"),
    [
        ("program", "AAHPM Mentor Match", "HHS Mentoring Program"),
        ("cohort", "Alpha year", "Bravo year"),
        ("enrollment", "Ann Inscope", "Bob Outofscope"),
    ],
)
def test_changelists_show_only_own_programs(coordinator_client, model, seen, hidden):
    response = coordinator_client.get(admin_url(model, "changelist"))

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert seen in body
    # Not in the rows, and not in the filters either.
    assert hidden not in body
    assert "HHS" not in body


def test_people_changelist_shows_only_own_programs_people(coordinator_client, world):
    response = coordinator_client.get(reverse("admin:mentorship_user_changelist"))

    body = response.content.decode()
    assert world.person_a.email in body
    assert world.coordinator.email in body
    assert world.person_b.email not in body
    assert world.coordinator_b.email not in body


@pytest.mark.parametrize("model", ["program", "cohort", "enrollment"])
@pytest.mark.parametrize("action", ["change", "history", "delete"])
def test_other_programs_pages_are_refused(coordinator_client, world, model, action):
    obj = {"program": world.b, "cohort": world.cohort_b, "enrollment": world.enrollment_b}[model]

    response = coordinator_client.get(admin_url(model, action, obj.pk))

    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    body = response.content.decode()
    assert "HHS" not in body
    assert "Bravo year" not in body


@pytest.mark.parametrize("model", ["program", "cohort", "enrollment"])
def test_other_programs_objects_cannot_be_changed_or_deleted_by_post(coordinator_client, world, model):
    obj = {"program": world.b, "cohort": world.cohort_b, "enrollment": world.enrollment_b}[model]

    changed = coordinator_client.post(admin_url(model, "change", obj.pk), {"name": "Hijacked"})
    deleted = coordinator_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})

    assert changed.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert deleted.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert not Program.objects.filter(name="Hijacked").exists()


def test_other_programs_historical_version_is_refused(coordinator_client, world):
    version = world.cohort_b.history.first()

    response = coordinator_client.get(
        reverse("admin:programs_cohort_simple_history", args=[world.cohort_b.pk, version.history_id])
    )

    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)


@pytest.mark.parametrize("action", ["change", "history"])
def test_other_programs_person_is_refused(coordinator_client, world, action):
    response = coordinator_client.get(reverse(f"admin:mentorship_user_{action}", args=[world.person_b.pk]))

    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert world.person_b.email not in response.content.decode()


@pytest.mark.parametrize("action", ["change", "history"])
def test_own_programs_pages_open(coordinator_client, world, action):
    for model, obj in [("program", world.a), ("cohort", world.cohort_a), ("enrollment", world.enrollment_a)]:
        assert coordinator_client.get(admin_url(model, action, obj.pk)).status_code == HTTPStatus.OK


def test_coordinator_cannot_set_a_participants_password(coordinator_client, world):
    # A participant of A may be staff or a superuser elsewhere: taking over their
    # account is not a coordinator's business.
    world.person_a.is_superuser = world.person_a.is_staff = True
    world.person_a.save()
    url = reverse("admin:auth_user_password_change", args=[world.person_a.pk])

    shown = coordinator_client.get(url)
    posted = coordinator_client.post(url, {"password1": "Taken-0ver-pass", "password2": "Taken-0ver-pass"})

    assert shown.status_code == HTTPStatus.FORBIDDEN
    assert posted.status_code == HTTPStatus.FORBIDDEN
    world.person_a.refresh_from_db()
    assert not world.person_a.check_password("Taken-0ver-pass")


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "programs", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == HTTPStatus.OK
    return {int(row["id"]) for row in json.loads(response.content)["results"]}


def test_user_autocomplete_returns_only_people_in_scope(coordinator_client, world):
    found = autocomplete(coordinator_client, "enrollment", "user")

    assert found == {world.person_a.pk, world.coordinator.pk}


def test_user_autocomplete_search_cannot_reach_out_of_scope(coordinator_client, world):
    assert autocomplete(coordinator_client, "enrollment", "user", term="bob@b.example") == set()
    assert autocomplete(coordinator_client, "programcoordinator", "user", term="Outofscope") == set()


def test_superuser_autocomplete_finds_everyone(admin_client, world):
    assert {world.person_a.pk, world.person_b.pk} <= autocomplete(admin_client, "enrollment", "user")


@pytest.mark.parametrize(
    ("model", "field", "visible", "hidden"),
    [("cohort", "program", "a", "b"), ("enrollment", "cohort", "cohort_a", "cohort_b")],
)
def test_add_forms_offer_only_own_choices(coordinator_client, world, model, field, visible, hidden):
    response = coordinator_client.get(admin_url(model, "add"))

    assert response.status_code == HTTPStatus.OK
    choices = set(response.context["adminform"].form.fields[field].queryset)
    assert getattr(world, visible) in choices
    assert getattr(world, hidden) not in choices
    assert str(getattr(world, hidden)) not in response.content.decode()


def test_a_cohort_cannot_be_added_to_another_program(coordinator_client, world):
    response = coordinator_client.post(
        admin_url("cohort", "add"),
        {"program": world.b.pk, "name": "Sneaky", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )

    assert response.status_code == HTTPStatus.OK
    assert "program" in response.context["adminform"].form.errors
    assert not Cohort.objects.filter(name="Sneaky").exists()


def test_adding_an_approved_enrolment_respects_the_cap(coordinator_client, world):
    world.cohort_a.participant_cap = 1
    world.cohort_a.save()
    newcomer = UserFactory()
    EnrollmentFactory(user=newcomer, cohort=world.cohort_a, state=EnrollmentState.WITHDRAWN, role=Role.MENTOR)

    response = coordinator_client.post(
        admin_url("enrollment", "add"),
        {"user": newcomer.pk, "cohort": world.cohort_a.pk, "role": Role.MENTEE, "state": EnrollmentState.APPROVED},
    )

    assert response.status_code == HTTPStatus.FOUND
    added = Enrollment.objects.get(user=newcomer, role=Role.MENTEE)
    # Enrolled by enrollment_apply, as on the site: AAHPM approves at once, but the
    # cohort is full, so the place waits; the approval asked for is refused.
    assert added.state == EnrollmentState.WAITLISTED
    assert error_messages(response) == [
        services.PARTICIPANT_CAP_REACHED.format(cohort=world.cohort_a, cap=1)
    ]


def test_adding_a_second_role_where_dual_role_is_not_allowed_is_refused(coordinator_client, world):
    response = coordinator_client.post(
        admin_url("enrollment", "add"),
        {"user": world.person_a.pk, "cohort": world.cohort_a.pk, "role": Role.MENTOR, "state": EnrollmentState.APPROVED},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.non_field_errors() == [
        services.DUAL_ROLE_NOT_ALLOWED.format(program="AAHPM", cohort=world.cohort_a, other_role="mentee")
    ]
    assert not Enrollment.objects.filter(user=world.person_a, role=Role.MENTOR).exists()


def bulk(client, action, enrollments, follow=False):
    return client.post(
        admin_url("enrollment", "changelist"),
        {"action": action, "_selected_action": [e.pk for e in enrollments]},
        follow=follow,
    )


def test_bulk_approve_respects_the_cap_and_reports_refusals(coordinator_client, world):
    world.cohort_a.participant_cap = 2  # one place is taken by Ann
    world.cohort_a.save()
    now = timezone.now()
    applicants = [
        EnrollmentFactory(cohort=world.cohort_a, state=EnrollmentState.APPLIED, applied_at=now + datetime.timedelta(minutes=i))
        for i in range(3)
    ]

    response = bulk(coordinator_client, "approved_selected", applicants)

    states = [Enrollment.objects.get(pk=e.pk).state for e in applicants]
    assert states == [EnrollmentState.APPROVED, EnrollmentState.APPLIED, EnrollmentState.APPLIED]
    cap_message = services.PARTICIPANT_CAP_REACHED.format(cohort=world.cohort_a, cap=2)
    assert error_messages(response) == [f"{e.user}: {cap_message}" for e in applicants[1:]]
    assert "Approved 1 enrolment(s)." in [m.message for m in get_messages(response.wsgi_request)]


def test_bulk_action_ignores_other_programs_rows(coordinator_client, world):
    response = bulk(coordinator_client, "declined_selected", [world.enrollment_b])

    world.enrollment_b.refresh_from_db()
    assert world.enrollment_b.state == EnrollmentState.APPROVED
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


def test_changing_state_in_the_form_goes_through_the_service(coordinator_client, world):
    response = coordinator_client.post(
        admin_url("enrollment", "change", world.enrollment_a.pk),
        {"user": world.person_a.pk, "cohort": world.cohort_a.pk, "role": Role.MENTEE, "state": EnrollmentState.DECLINED},
    )

    assert response.status_code == HTTPStatus.FOUND
    world.enrollment_a.refresh_from_db()
    assert world.enrollment_a.state == EnrollmentState.APPROVED
    assert error_messages(response) == [services.ENROLLMENT_NOT_PENDING.format(state="approved")]


@pytest.mark.parametrize("model", ["program", "cohort", "enrollment"])
def test_superuser_sees_all(admin_client, world, model):
    body = admin_client.get(admin_url(model, "changelist")).content.decode()

    expected = {
        "program": ["AAHPM Mentor Match", "HHS Mentoring Program", "KY IPMA-HR Connections Mentoring Program"],
        "cohort": ["Alpha year", "Bravo year"],
        "enrollment": ["Ann Inscope", "Bob Outofscope"],
    }[model]
    for text in expected:
        assert text in body


@pytest.mark.parametrize("user_kind", ["participant", "staff_without_program"])
def test_people_without_programs_cannot_use_the_admin(client, world, user_kind):
    user = world.person_a if user_kind == "participant" else UserFactory(is_staff=True)
    client.force_login(user)

    response = client.get(admin_url("program", "changelist"))

    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
    assert "AAHPM Mentor Match" not in response.content.decode()


SIXTH_PROGRAM = {
    "name": "Nurse Leaders Mentoring",
    "short_name": "NURSES",
    "slug": "nurses",
    "organisation": "State Nurses Association",
    "is_active": "on",
    "summary": "Experienced nurse leaders mentor new charge nurses.",
    "guidelines": "Meet monthly.",
    "mentor_role": "Share what you know.",
    "mentee_role": "Come prepared.",
    "not_for": "Not a staffing agency.",
    "coordinator_title": "nurse coordinator",
    "org_unit_label": "Hospital",
    "max_mentees_per_mentor": "3",
    "max_mentors_per_mentee": "1",
    "matching_methods": ["self_selection", "auto"],
    "pairing_description": "Mentees invite, or we propose.",
    "org_unit_preference": "any",
    "invitation_expiry_days": "14",
    "requires_application_approval": "on",
    "participant_cap": "5",
    "duration_months": "6",
    "extension_ask_days": "21",
    "extension_grace_days": "7",
    "extension_months": "6",
    "early_end_after_months": "2",
    "checkin_interval_months": "1",
    "min_contact_minutes_per_month": "30",
    "reschedule_notice_hours": "24",
    "requires_agreement": "on",
    "goals_document_name": "Growth plan",
    "sends_exit_survey": "on",
    "evaluation_after_months": "6",
    "cohorts-TOTAL_FORMS": "1",
    "cohorts-INITIAL_FORMS": "0",
    "cohorts-MIN_NUM_FORMS": "0",
    "cohorts-MAX_NUM_FORMS": "1000",
    "cohorts-0-name": "Spring intake",
    "cohorts-0-starts_on": "2026-03-01",
    "cohorts-0-ends_on": "2030-08-31",
    "cohorts-0-participant_cap": "2",
    "event_patterns-TOTAL_FORMS": "0",
    "event_patterns-INITIAL_FORMS": "0",
    "coordinator_links-TOTAL_FORMS": "0",
    "coordinator_links-INITIAL_FORMS": "0",
    "coordinator_links-MIN_NUM_FORMS": "0",
    "coordinator_links-MAX_NUM_FORMS": "1000",
    "_save": "Save",
}


def test_coordinator_creates_a_sixth_program_in_the_admin(coordinator_client, world):
    response = coordinator_client.post(admin_url("program", "add"), SIXTH_PROGRAM)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    program = Program.objects.get(slug="nurses")
    assert sorted(program.matching_methods) == ["auto", "self_selection"]
    assert program.platforms == []
    assert (program.max_mentees_per_mentor, program.duration_months, program.early_end_after_months) == (3, 6, 2)
    assert (program.requires_application_approval, program.participant_cap) == (True, 5)
    assert program.reschedule_notice_hours == 24
    assert program.requires_agreement and program.sends_exit_survey and not program.allows_dual_role
    assert ProgramCoordinator.objects.filter(program=program, user=world.coordinator).exists()
    cohort = program.cohorts.get()
    assert (cohort.name, cohort.participant_cap) == ("Spring intake", 2)
    # The new program is in the coordinator's scope at once.
    assert coordinator_client.get(admin_url("program", "change", program.pk)).status_code == HTTPStatus.OK
    assert "Nurse Leaders Mentoring" in coordinator_client.get(admin_url("program", "changelist")).content.decode()


def test_enrolment_in_the_sixth_program_follows_its_rules(coordinator_client, world):
    coordinator_client.post(admin_url("program", "add"), SIXTH_PROGRAM)
    cohort = Program.objects.get(slug="nurses").cohorts.get()
    people = UserFactory.create_batch(3)

    applied = [services.enrollment_apply(user=p, cohort=cohort, role=Role.MENTEE) for p in people]
    for enrollment in applied[:2]:
        services.enrollment_approve(enrollment=enrollment, by=world.coordinator)

    assert {e.state for e in applied} == {EnrollmentState.APPLIED}
    with pytest.raises(RuleViolation) as error:
        services.enrollment_approve(enrollment=applied[2], by=world.coordinator)
    assert error.value.message == services.PARTICIPANT_CAP_REACHED.format(cohort=cohort, cap=2)
    with pytest.raises(RuleViolation, match="does not allow one person to be a mentor and a mentee"):
        services.enrollment_apply(user=people[0], cohort=cohort, role=Role.MENTOR)
    # Its coordinator sees the applications; the other program's coordinator does not.
    body = coordinator_client.get(admin_url("enrollment", "changelist")).content.decode()
    assert str(people[2]) in body
    coordinator_client.force_login(world.coordinator_b)
    assert str(people[2]) not in coordinator_client.get(admin_url("enrollment", "changelist")).content.decode()


def test_sixth_program_with_contradictory_rules_is_refused_on_the_form(coordinator_client):
    data = {**SIXTH_PROGRAM, "ends_with_cohort": "on"}

    response = coordinator_client.post(admin_url("program", "add"), data)

    assert response.status_code == HTTPStatus.OK
    assert "ends_with_cohort" in response.context["adminform"].form.errors
    assert not Program.objects.filter(slug="nurses").exists()


def test_coordinator_cannot_delete_a_program(coordinator_client, world):
    response = coordinator_client.post(admin_url("program", "delete", world.a.pk), {"post": "yes"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Program.objects.filter(pk=world.a.pk).exists()


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(context)


@pytest.mark.parametrize("model", ["program", "cohort", "enrollment"])
def test_changelist_queries_do_not_grow_with_rows(coordinator_client, world, model):
    url = admin_url(model, "changelist")
    few = count_queries(coordinator_client, url)
    for i in range(6):
        program = Program.objects.create(name=f"Extra {i}", short_name=f"X{i}", slug=f"x{i}")
        ProgramCoordinator.objects.create(program=program, user=world.coordinator)
        EnrollmentFactory.create_batch(2, cohort=CohortFactory(program=program))

    assert count_queries(coordinator_client, url) == few


def test_people_changelist_queries_do_not_grow_with_rows(coordinator_client, world):
    url = reverse("admin:mentorship_user_changelist")
    few = count_queries(coordinator_client, url)
    EnrollmentFactory.create_batch(10, cohort=world.cohort_a)

    assert count_queries(coordinator_client, url) == few


def test_adding_an_enrolment_outside_the_window_or_without_a_platform_is_refused_on_the_form(coordinator_client, world):
    """The admin's add goes through enrollment_apply: before, its save skipped the
    application window and the platform rule."""
    newcomer = UserFactory()
    # In the coordinator's scope (their people) through an earlier enrolment.
    EnrollmentFactory(user=newcomer, cohort=world.cohort_a, state=EnrollmentState.WITHDRAWN, role=Role.MENTOR)
    world.cohort_a.enrolment_closes_on = world.cohort_a.starts_on
    world.cohort_a.save()

    response = coordinator_client.post(
        admin_url("enrollment", "add"),
        {"user": newcomer.pk, "cohort": world.cohort_a.pk, "role": Role.MENTEE, "state": EnrollmentState.APPROVED},
    )

    assert response.status_code == HTTPStatus.OK
    [error] = response.context["adminform"].form.non_field_errors()
    assert error.startswith(f"Enrolment for {world.cohort_a} closed on")
    assert not Enrollment.objects.filter(user=newcomer, role=Role.MENTEE).exists()


def test_adding_a_program_goes_through_program_create(coordinator_client, world, monkeypatch):
    calls = []
    create = services.program_create
    monkeypatch.setattr(services, "program_create", lambda **kwargs: calls.append(kwargs) or create(**kwargs))
    data = {
        "name": "Test Mentoring Circle", "short_name": "TMC", "slug": "tmc", "coordinator_title": "coordinator",
        "org_unit_label": "Unit", "max_mentees_per_mentor": 1, "max_mentors_per_mentee": 1,
        "invitation_expiry_days": 10, "org_unit_preference": "any", "goals_document_name": "Goals",
        "extension_ask_days": 30, "extension_grace_days": 14, "extension_months": 12,
        "cohorts-TOTAL_FORMS": 0, "cohorts-INITIAL_FORMS": 0,
        "event_patterns-TOTAL_FORMS": 0, "event_patterns-INITIAL_FORMS": 0,
        "coordinator_links-TOTAL_FORMS": 0, "coordinator_links-INITIAL_FORMS": 0,
    }  # fmt: skip

    response = coordinator_client.post(admin_url("program", "add"), data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    program = Program.objects.get(slug="tmc")
    assert [call["program"].pk for call in calls] == [program.pk]
    assert program.coordinator_links.filter(user__email=world.coordinator.email).exists()  # they run it
