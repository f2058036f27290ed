"""Results for coordinators: aggregates equal the rows, only their programs, safe CSV."""

import csv
import datetime
import io
import json
from collections import Counter
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.tests.builders import coordinator_of
from surveys import selectors, services
from surveys.models import Answer, QuestionKind, Survey, SurveyInvitation

from .factories import invitation_for
from .helpers import pair_in, seeded_survey

pytestmark = pytest.mark.django_db

D = datetime.date
FIT_Q = "Is your mentoring match a good fit?"
CONVENIENT_Q = "How convenient is it for the two of you to meet face-to-face?"
ADJUST_Q = "What adjustments, if any, would help your mentoring connection?"
CHOICES = ["Yes, it is a good fit", "Partly — some adjustments would help", "No, it is not working"]


def answer_all(invitation, n: int, *, text: str | None = None, submit: bool = True):
    """Answers that vary with n, through the service."""
    survey = invitation.survey
    answers = {}
    for question in survey.questions.all():
        if question.kind == QuestionKind.RATING:
            answers[question.pk] = 1 + n % 5
        elif question.kind == QuestionKind.SINGLE:
            answers[question.pk] = question.choice_list[n % len(question.choice_list)]
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question.pk] = question.choice_list[: 1 + n % len(question.choice_list)]
        else:
            answers[question.pk] = text if text is not None else f"Answer number {n}"
    save = services.survey_response_submit if submit else services.survey_response_save_draft
    save(invitation=invitation, answers=answers)
    return answers


def responses(survey, count: int, *, start: int = 0):
    invitations = []
    for n in range(start, start + count):
        mentorship = pair_in(survey.program.slug, D(2026, 1, 15))
        invitation = invitation_for(survey, mentorship, role="mentee" if n % 3 else "mentor")
        answer_all(invitation, n)
        invitations.append(invitation)
    return invitations


@pytest.fixture
def fit():
    return seeded_survey("ky-connections", "fit_check")


@pytest.fixture
def sponsor():
    return coordinator_of("ky-connections", email="sponsor@ky.example")


@pytest.fixture
def sponsor_client(client, sponsor):
    client.force_login(sponsor)
    return client


def results_url(survey, **query):
    url = reverse("admin:surveys_survey_results", args=[survey.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_results_aggregates_equal_the_rows(sponsor_client, fit):
    responses(fit, 7)
    waiting = invitation_for(fit, pair_in("ky-connections", D(2026, 1, 15)))
    answer_all(waiting, 99, submit=False)  # a draft: not counted in the answers
    invitation_for(fit, pair_in("ky-connections", D(2026, 1, 15)), sent=False)  # not sent: not invited

    response = sponsor_client.get(results_url(fit))

    assert response.status_code == HTTPStatus.OK
    results = response.context["results"]
    assert (results.invited, results.answered, results.drafts) == (8, 7, 1)
    assert results.response_rate == pytest.approx(7 / 8)
    submitted = Answer.objects.filter(question__survey=fit, invitation__completed_at__isnull=False)
    for q in results.questions:
        rows = submitted.filter(question=q.question)
        if q.question.kind == QuestionKind.RATING:
            ratings = list(rows.values_list("rating", flat=True))
            assert q.average == pytest.approx(sum(ratings) / len(ratings))
            assert dict(q.counts) == {str(v): Counter(ratings)[v] for v in range(1, 6)}
        elif q.question.kind == QuestionKind.SINGLE:
            assert dict(q.counts) == {c: rows.filter(choice=c).count() for c in q.question.choice_list}
        else:
            assert sorted(t["text"] for t in q.texts) == sorted(rows.values_list("text", flat=True))
        assert q.answered == rows.count()
    fit_result = next(q for q in results.questions if q.question.text == FIT_Q)
    assert fit_result.alert_count == rows_with(submitted, FIT_Q, "No, it is not working")
    assert len(fit_result.alerts) == fit_result.alert_count
    body = response.content.decode()
    assert '<strong id="stat-rate">88%</strong>' in body
    charts = json.loads(response.context["charts"] and json.dumps(response.context["charts"]))
    fit_chart = next(c for c in charts if c["label"] == FIT_Q)
    assert fit_chart["labels"] == CHOICES
    assert fit_chart["counts"] == [rows_with(submitted, FIT_Q, c) for c in CHOICES]
    assert f'id="{fit_chart["id"]}"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "cdn" not in body.lower()


def rows_with(submitted, text, choice):
    return submitted.filter(question__text=text, choice=choice).count()


def test_results_by_role(sponsor_client, fit):
    invitations = responses(fit, 6)
    mentors = sum(1 for i in invitations if i.role == "mentor")

    results = sponsor_client.get(results_url(fit, role="mentor")).context["results"]

    assert results.answered == mentors
    convenient = next(q for q in results.questions if q.question.text == CONVENIENT_Q)
    assert convenient.answered == mentors


def test_free_text_shows_names_unless_the_survey_is_anonymous(sponsor_client, fit):
    (invitation,) = responses(fit, 1)
    name = invitation.recipient.display_name

    body = sponsor_client.get(results_url(fit)).content.decode()
    assert "Answer number 0" in body
    assert name in body

    fit.anonymous_in_reporting = True
    fit.save()
    responses(fit, 2, start=1)
    body = sponsor_client.get(results_url(fit)).content.decode()
    assert "Answer number 0" in body
    assert name not in body
    assert invitation.mentorship.mentor.display_name not in body
    export = sponsor_client.get(reverse("admin:surveys_survey_export", args=[fit.pk])).content.decode()
    assert name not in export and invitation.recipient.email not in export


def test_an_anonymous_survey_with_fewer_than_three_answers_shows_no_answers(sponsor_client):
    evaluation = seeded_survey("ky-connections", "evaluation")
    assert evaluation.anonymous_in_reporting
    coordinator_of("ky-connections")
    responses(evaluation, 2)

    response = sponsor_client.get(results_url(evaluation))

    assert response.context["results"].withheld
    assert "Answer number" not in response.content.decode()
    rows = list(csv.reader(io.StringIO(sponsor_client.get(reverse("admin:surveys_survey_export", args=[evaluation.pk])).content.decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only

    responses(evaluation, 1, start=2)
    response = sponsor_client.get(results_url(evaluation))
    assert not response.context["results"].withheld
    assert "Answer number 2" in response.content.decode()


def test_hhs_evaluation_reports_its_five_dimensions(client):
    evaluation = seeded_survey("hhs", "evaluation")
    client.force_login(coordinator_of("hhs"))
    responses(evaluation, 4)

    results = client.get(results_url(evaluation)).context["results"]

    assert [d["name"] for d in results.dimensions] == [
        "Accomplishment of Overall Program Objectives",
        "Selection/Matching Process",
        "Mentoring Relationship",
        "Training",
        "Program Support",
    ]
    ratings = Answer.objects.filter(question__survey=evaluation, question__dimension="Training").values_list("rating", flat=True)
    training = next(d for d in results.dimensions if d["name"] == "Training")
    assert training["average"] == pytest.approx(sum(ratings) / len(ratings))


def test_the_results_page_query_count_does_not_grow_with_responses(sponsor_client, fit):
    responses(fit, 2)
    sponsor_client.get(results_url(fit))  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as few:
        sponsor_client.get(results_url(fit))

    responses(fit, 15, start=2)
    with CaptureQueriesContext(connection) as many:
        response = sponsor_client.get(results_url(fit))

    assert response.context["results"].answered == 17
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_changelist_shows_response_rates(sponsor_client, fit):
    responses(fit, 2)
    invitation_for(fit, pair_in("ky-connections", D(2026, 1, 15)))

    body = sponsor_client.get(reverse("admin:surveys_survey_changelist")).content.decode()

    assert "Connections fit questionnaire (three months)" in body
    assert "2 of 3 (67%)" in body


# ---------------------------------------------------------------------------
# CSV export
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dangerous",
    ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-2+3", "@SUM(A1:A2)", "=1+1\tx"],
)
def test_the_csv_export_neutralises_formulas(sponsor_client, fit, dangerous):
    mentorship = pair_in("ky-connections", D(2026, 1, 15))
    mentorship.mentee.first_name = "=cmd|' /C calc'!A0"
    mentorship.mentee.save()
    invitation = invitation_for(fit, mentorship)
    answer_all(invitation, 0, text=dangerous)

    response = sponsor_client.get(reverse("admin:surveys_survey_export", args=[fit.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cell = row[header.index(ADJUST_Q)]
    assert cell == "'" + dangerous
    assert row[header.index("Respondent")].startswith("'=cmd")
    for value in row:
        assert not value.startswith(selectors.FORMULA_STARTS)


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@A1", "\tcmd", "\r=1"])
def test_csv_safe_prefixes_every_formula_start(value):
    assert selectors.csv_safe(value) == "'" + value


def test_csv_safe_leaves_ordinary_values_alone():
    assert selectors.csv_safe("Yes, it is a good fit") == "Yes, it is a good fit"
    assert selectors.csv_safe(4) == "4"
    assert selectors.csv_safe(None) == ""
    assert selectors.csv_safe("a=b") == "a=b"


def test_the_csv_has_one_row_per_submitted_response_with_every_answer(sponsor_client, fit):
    invitations = responses(fit, 3)
    invitation_for(fit, pair_in("ky-connections", D(2026, 1, 15)))  # not answered

    rows = list(csv.reader(io.StringIO(sponsor_client.get(reverse("admin:surveys_survey_export", args=[fit.pk])).content.decode("utf-8-sig"))))

    header, body = rows[0], rows[1:]
    assert len(body) == 3
    assert [r[header.index("Email")] for r in body] == [i.recipient.email for i in invitations]
    assert [r[header.index(FIT_Q)] for r in body] == [CHOICES[n % 3] for n in range(3)]


# ---------------------------------------------------------------------------
# Scope: a coordinator of another program sees nothing
# ---------------------------------------------------------------------------


def survey_urls(survey: Survey, invitation: SurveyInvitation) -> dict[str, str]:
    return {
        "change": reverse("admin:surveys_survey_change", args=[survey.pk]),
        "history": reverse("admin:surveys_survey_history", args=[survey.pk]),
        "delete": reverse("admin:surveys_survey_delete", args=[survey.pk]),
        "results": reverse("admin:surveys_survey_results", args=[survey.pk]),
        "results by role": reverse("admin:surveys_survey_results", args=[survey.pk]) + "?role=mentee",
        "export": reverse("admin:surveys_survey_export", args=[survey.pk]),
        "invitation": reverse("admin:surveys_surveyinvitation_change", args=[invitation.pk]),
        "invitation history": reverse("admin:surveys_surveyinvitation_history", args=[invitation.pk]),
    }


URL_NAMES = ["change", "history", "delete", "results", "results by role", "export", "invitation", "invitation history"]


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_coordinator_of_another_program_is_refused_every_survey_url(client, fit, name):
    (invitation,) = responses(fit, 1)
    client.force_login(coordinator_of("hhs"))

    response = client.get(survey_urls(fit, invitation)[name])

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Answer number 0" not in response.content.decode()


@pytest.mark.parametrize("name", URL_NAMES)
def test_the_programs_own_coordinator_may_open_every_survey_url(sponsor_client, fit, name):
    (invitation,) = responses(fit, 1)

    assert sponsor_client.get(survey_urls(fit, invitation)[name]).status_code == HTTPStatus.OK


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_participant_is_sent_to_the_admin_login(client, fit, name):
    (invitation,) = responses(fit, 1)
    client.force_login(invitation.recipient)

    response = client.get(survey_urls(fit, invitation)[name])

    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response["Location"]


def test_changelists_list_only_own_programs_surveys_and_invitations(client, fit):
    (ky_invitation,) = responses(fit, 1)
    hhs = seeded_survey("hhs", "evaluation")
    hhs_invitation = invitation_for(hhs, pair_in("hhs", D(2026, 1, 15)))
    client.force_login(coordinator_of("hhs"))

    surveys = client.get(reverse("admin:surveys_survey_changelist"))
    invitations = client.get(reverse("admin:surveys_surveyinvitation_changelist"))

    assert set(surveys.context["cl"].queryset) == set(Survey.objects.filter(program__slug="hhs"))
    assert "Connections" not in surveys.content.decode()
    assert list(invitations.context["cl"].queryset) == [hhs_invitation]
    assert ky_invitation.recipient.email not in invitations.content.decode()


def test_a_coordinator_cannot_create_a_survey_for_another_program(client, fit):
    from programs.tests.factories import seeded

    client.force_login(coordinator_of("hhs"))

    response = client.post(
        reverse("admin:surveys_survey_add"),
        {
            "program": seeded("ky-connections").pk,
            "title": "Sneaky",
            "kind": "fit_check",
            "audience": "both",
            "active": "on",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == HTTPStatus.OK  # the form again, with an error
    assert not Survey.objects.filter(title="Sneaky").exists()


def test_a_coordinator_builds_a_survey_with_questions_in_the_admin(sponsor_client):
    from programs.tests.factories import seeded

    response = sponsor_client.post(
        reverse("admin:surveys_survey_add"),
        {
            "program": seeded("ky-connections").pk,
            "title": "Mid-year pulse",
            "kind": "feedback",
            "audience": "mentees",
            "every_months": "6",
            "active": "on",
            "questions-TOTAL_FORMS": "2",
            "questions-INITIAL_FORMS": "0",
            "questions-0-order": "1",
            "questions-0-kind": "single",
            "questions-0-text": "Are you meeting monthly?",
            "questions-0-choices": "Yes\nNo",
            "questions-0-alert_on": "No",
            "questions-0-required": "on",
            "questions-0-low_label": "Poor",
            "questions-0-high_label": "Excellent",
            "questions-1-order": "2",
            "questions-1-kind": "text",
            "questions-1-text": "Anything else?",
            "questions-1-low_label": "Poor",
            "questions-1-high_label": "Excellent",
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors if response.context else ""
    survey = Survey.objects.get(title="Mid-year pulse")
    assert [q.text for q in survey.questions.all()] == ["Are you meeting monthly?", "Anything else?"]
    assert survey.questions.first().alert_values == {"No"}


def test_a_question_alerting_on_an_answer_it_does_not_offer_is_refused(sponsor_client):
    from programs.tests.factories import seeded

    response = sponsor_client.post(
        reverse("admin:surveys_survey_add"),
        {
            "program": seeded("ky-connections").pk,
            "title": "Broken",
            "kind": "fit_check",
            "audience": "both",
            "active": "on",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-0-order": "1",
            "questions-0-kind": "single",
            "questions-0-text": "Good fit?",
            "questions-0-choices": "Yes\nNo",
            "questions-0-alert_on": "Maybe",
            "questions-0-low_label": "Poor",
            "questions-0-high_label": "Excellent",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "Not one of the choices: Maybe." in response.content.decode()
    assert not Survey.objects.filter(title="Broken").exists()


def test_opening_answers_with_names_is_in_the_security_audit(sponsor_client, sponsor, fit):
    from security.models import SecurityEvent, SecurityEventKind

    responses(fit, 1)
    sponsor_client.get(results_url(fit))
    (event,) = SecurityEvent.objects.filter(kind=SecurityEventKind.CONFIDENTIAL_VIEWED)
    assert event.actor == sponsor and event.program_id == fit.program_id and fit.title in event.detail

    fit.anonymous_in_reporting = True
    fit.save()
    sponsor_client.get(results_url(fit))
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.CONFIDENTIAL_VIEWED).count() == 1
