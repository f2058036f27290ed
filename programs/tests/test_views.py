"""The participant's side of programs: reading the rules, enrolling, withdrawing."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from mentorship.tests.factories import UserFactory
from programs import services
from programs.models import Enrollment, EnrollmentState, Role
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory, seeded

pytestmark = pytest.mark.django_db


def enroll_url(cohort, role=Role.MENTEE):
    return reverse("programs:enroll", args=[cohort.program.slug, cohort.pk, role])


@pytest.fixture
def aahpm_mentee(client):
    """Like the demo's mentee1.aahpm: approved in the current AAHPM cohort, signed in."""
    enrollment = EnrollmentFactory(cohort=CohortFactory(program=seeded("aahpm")), role=Role.MENTEE)
    client.force_login(enrollment.user)
    return enrollment


@pytest.mark.parametrize(
    "url",
    [
        reverse("programs:list"),
        reverse("programs:detail", args=["aahpm"]),
        reverse("programs:enroll", args=["aahpm", 1, "mentee"]),
    ],
)
def test_anonymous_is_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_program_list_shows_the_five_and_marks_mine(client, aahpm_mentee):
    response = client.get(reverse("programs:list"))

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    for name in ["AAHPM Mentor Match", "HPMSNJ Mentorship Program", "HHS Mentoring Program", "WTAP Mentoring"]:
        assert name in body
    assert body.count("You take part") == 1


def test_program_list_takes_the_same_queries_for_more_programs_and_enrolments(client, aahpm_mentee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programs.tests.factories import ProgramFactory

    counts = []
    for _ in range(2):
        client.get(reverse("programs:list"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("programs:list"))
        counts.append(len(queries))
        for _ in range(6):  # six more programs, each with an enrolment of the viewer's
            EnrollmentFactory(user=aahpm_mentee.user, cohort=CohortFactory(program=ProgramFactory()), role=Role.MENTEE)

    assert response.content.decode().count("You take part") == 7
    assert counts[0] == counts[1]


def test_mentee_reads_the_aahpm_rules(client, aahpm_mentee, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programs:detail", args=["aahpm"]))

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert '<dt class="col-sm-5">Mentees per mentor at a time</dt><dd class="col-sm-7">2</dd>' in body
    assert '<dt class="col-sm-5">Mentors per mentee at a time</dt><dd class="col-sm-7">1</dd>' in body
    assert "Give 48 hours' notice and reschedule as soon as possible" in body
    assert "Agreed by the pair during the discovery call" in body
    assert "Mentoring Worksheet (shared with your mentor after the discovery call)" in body
    assert "Exit survey when the mentorship ends." in body
    assert escape("Mentees may not ask their mentor for a job") in body
    # The mentee sees their own place.
    assert "Approved" in body
    assert reverse("programs:withdraw", args=[aahpm_mentee.pk]) in body


@pytest.mark.parametrize(
    ("slug", "phrases"),
    [
        (
            "hhs",
            [
                "Senior-to-Junior, Peer-to-Peer",
                "Either partner may end after 3 months",
                (
                    "12 months; 30 days before the planned end both partners are asked to extend it (by 12 months) "
                    "or close it; without an answer it ends 14 days after"
                ),
            ],
        ),
        (
            "ky-connections",
            [
                "your first- or second-line supervisor",
                "By application, approved by the Connections Sponsors; at most 40 participants a year",
                "Fit questionnaire after 3 months. Evaluation after 12 months or at the end, whichever comes first.",
                "Monthly; at least 60 minutes of contact a month",
                "The program year; the mentorship ends with it",
            ],
        ),
        ("hpmsnj", ["Quarterly; at least 60 minutes of contact a month"]),
        (
            "wtap",
            [
                "36 months; 30 days before the planned end",
                "Evaluation after 6 months, when both partners are also asked to continue or end.",
                "Mentoring agreement signed by both.",
            ],
        ),
    ],
)
def test_each_program_shows_its_rules(client, slug, phrases):
    client.force_login(UserFactory())

    body = client.get(reverse("programs:detail", args=[slug])).content.decode()

    for phrase in phrases:
        assert phrase in body


def test_inactive_program_is_not_found(client):
    program = ProgramFactory(is_active=False)
    client.force_login(UserFactory())

    assert client.get(reverse("programs:detail", args=[program.slug])).status_code == HTTPStatus.NOT_FOUND


def test_enrol_form_creates_an_enrolment(client):
    cohort = CohortFactory(program=seeded("aahpm"))
    user = UserFactory()
    client.force_login(user)

    response = client.post(enroll_url(cohort), {"motivation": "Grow into a palliative care leader"})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("programs:detail", args=["aahpm"])
    enrollment = Enrollment.objects.get(user=user)
    assert (enrollment.cohort, enrollment.role, enrollment.state) == (cohort, Role.MENTEE, EnrollmentState.APPROVED)
    assert enrollment.motivation == "Grow into a palliative care leader"


def test_enrol_form_with_nothing_typed_still_enrols(client):
    # Every AAHPM field is optional: an empty form is a valid enrolment, not a re-rendered page.
    cohort = CohortFactory(program=seeded("aahpm"))
    client.force_login(UserFactory())

    response = client.post(enroll_url(cohort), {})

    assert response.status_code == HTTPStatus.FOUND
    assert Enrollment.objects.filter(cohort=cohort).count() == 1


def test_ky_application_asks_for_needs_and_awaits_the_sponsors(client):
    cohort = CohortFactory(program=seeded("ky-connections"))
    client.force_login(UserFactory())
    answers = {"needs": "Confidence", "challenges": "New team", "strengths": "Organised", "areas_for_improvement": "Delegation"}

    missing = client.post(enroll_url(cohort), {**answers, "needs": ""})
    done = client.post(enroll_url(cohort), answers, follow=True)

    assert missing.status_code == HTTPStatus.OK
    assert missing.context["form"].errors == {"needs": ["This field is required."]}
    assert not Enrollment.objects.filter(state=EnrollmentState.APPROVED).exists()
    assert Enrollment.objects.get().state == EnrollmentState.APPLIED
    assert "is with the Connections Sponsors" in done.content.decode()


def test_a_rule_violation_is_shown_on_the_form_and_keeps_the_answers(client):
    program = seeded("aahpm")
    cohort = CohortFactory(program=program)
    user = UserFactory()
    EnrollmentFactory(user=user, cohort=cohort, role=Role.MENTOR)
    client.force_login(user)

    response = client.post(enroll_url(cohort, Role.MENTEE), {"motivation": "I typed this carefully"})

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    message = services.DUAL_ROLE_NOT_ALLOWED.format(program="AAHPM", cohort=cohort, other_role="mentor")
    assert escape(message) in body
    assert "I typed this carefully</textarea>" in body
    assert not Enrollment.objects.filter(user=user, role=Role.MENTEE).exists()


def test_hhs_mentee_form_requires_a_platform_and_keeps_the_motivation(client):
    cohort = CohortFactory(program=seeded("hhs"))
    client.force_login(UserFactory())

    response = client.post(enroll_url(cohort), {"motivation": "Cross-OPDIV experience"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {"platform_preference": ["This field is required."]}
    assert "Cross-OPDIV experience</textarea>" in response.content.decode()


def test_a_full_cohort_puts_the_person_on_the_waitlist(client):
    cohort = CohortFactory(program=ProgramFactory(participant_cap=1))
    EnrollmentFactory(cohort=cohort)
    client.force_login(UserFactory())

    response = client.post(enroll_url(cohort), {"motivation": ""}, follow=True)

    assert "you are on the waitlist" in response.content.decode()
    assert cohort.enrollments.filter(state=EnrollmentState.WAITLISTED).count() == 1


@pytest.mark.parametrize(("role", "status"), [("mentee", HTTPStatus.OK), ("coordinator", HTTPStatus.NOT_FOUND)])
def test_enrol_form_knows_only_mentor_and_mentee(client, role, status):
    cohort = CohortFactory()
    client.force_login(UserFactory())

    assert client.get(enroll_url(cohort, role)).status_code == status


def test_enrol_in_another_programs_cohort_is_not_found(client):
    other = CohortFactory()
    client.force_login(UserFactory())

    response = client.get(reverse("programs:enroll", args=["aahpm", other.pk, "mentee"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_withdraw_own_enrolment(client, aahpm_mentee):
    response = client.post(reverse("programs:withdraw", args=[aahpm_mentee.pk]))

    assert response.status_code == HTTPStatus.FOUND
    aahpm_mentee.refresh_from_db()
    assert aahpm_mentee.state == EnrollmentState.WITHDRAWN


def test_withdraw_is_post_only(client, aahpm_mentee):
    response = client.get(reverse("programs:withdraw", args=[aahpm_mentee.pk]))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    aahpm_mentee.refresh_from_db()
    assert aahpm_mentee.state == EnrollmentState.APPROVED


def test_withdrawing_someone_elses_enrolment_is_not_found(client, aahpm_mentee):
    someone_else = EnrollmentFactory(cohort=aahpm_mentee.cohort)

    response = client.post(reverse("programs:withdraw", args=[someone_else.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    someone_else.refresh_from_db()
    assert someone_else.state == EnrollmentState.APPROVED


@pytest.mark.parametrize("action", ["enroll", "withdraw"])
def test_posts_need_a_csrf_token(action):
    enrollment = EnrollmentFactory(cohort=CohortFactory(program=seeded("aahpm")))
    client = Client(enforce_csrf_checks=True)
    client.force_login(enrollment.user)
    url = (
        enroll_url(CohortFactory(program=seeded("hpmsnj")))
        if action == "enroll"
        else reverse("programs:withdraw", args=[enrollment.pk])
    )

    response = client.post(url, {"motivation": "x"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Enrollment.objects.count() == 1
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.APPROVED


def test_enrol_form_carries_one_csrf_token(client):
    client.force_login(UserFactory())

    body = client.get(enroll_url(CohortFactory(program=seeded("hhs")))).content.decode()

    form = body[body.index('<form method="post" novalidate>') :]
    assert form[: form.index("</form>")].count('name="csrfmiddlewaretoken"') == 1


def test_posts_with_the_csrf_token_pass():
    cohort = CohortFactory(program=seeded("hpmsnj"))
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    form_page = client.get(enroll_url(cohort))
    token = form_page.cookies["csrftoken"].value

    response = client.post(enroll_url(cohort), {"motivation": "x", "csrfmiddlewaretoken": token})

    assert response.status_code == HTTPStatus.FOUND
    assert Enrollment.objects.filter(user=user).exists()
