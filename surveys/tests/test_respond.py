"""The personal link: answer without signing in, save a draft, finish, once; nobody else's answers."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail, signing
from django.urls import reverse

from mentorship.models import Notification
from mentorship.tests.builders import coordinator_of
from surveys import selectors, services
from surveys.models import TOKEN_SALT, Answer, SurveyInvitation

from .factories import invitation_for
from .helpers import pair_in, seeded_survey

pytestmark = pytest.mark.django_db

D = datetime.date
GOOD_FIT = "Yes, it is a good fit"
NOT_A_GOOD_FIT = "No, it is not working"


@pytest.fixture
def fit():
    return seeded_survey("ky-connections", "fit_check")


@pytest.fixture
def mentorship():
    return pair_in("ky-connections", D(2026, 1, 15))


@pytest.fixture
def invitation(fit, mentorship):
    return invitation_for(fit, mentorship, role="mentee")


def questions(survey):
    return {q.text: q for q in survey.questions.all()}


def full_answers(survey, fit_answer=GOOD_FIT):
    q = questions(survey)
    return {
        f"q{q['Is your mentoring match a good fit?'].pk}": fit_answer,
        f"q{q['Have you connected for at least one hour each month, in person or by phone?'].pk}": "Most months",
        f"q{q['How convenient is it for the two of you to meet face-to-face?'].pk}": "4",
        f"q{q['How well does your pairing fit your stated needs, challenges, strengths and areas for improvement?'].pk}": "3",
        f"q{q['Where is your Connections Development Plan?'].pk}": "In progress",
        f"q{q['What adjustments, if any, would help your mentoring connection?'].pk}": "More evening meetings.",
    }


def test_the_link_opens_the_survey_without_signing_in(client, invitation):
    response = client.get(invitation.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Connections fit questionnaire (three months)" in body
    assert "Is your mentoring match a good fit?" in body
    assert invitation.mentorship.mentor.display_name in body  # whom the survey is about
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def _tampered(invitation):
    token = invitation.token
    payload, signature = token.rsplit(":", 1)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return {
        "signature changed": f"{payload}:{flipped}",
        "payload changed": signing.Signer(salt="other").sign_object([invitation.pk + 1, invitation.token_key]).rsplit(":", 1)[0]
        + ":"
        + signature,
        "signature dropped": payload,
        "garbage": "not-a-token",
        "right signature, wrong key": signing.Signer(salt=TOKEN_SALT).sign_object([invitation.pk, "guessed-key"]),
        "other salt": signing.Signer(salt="other").sign_object([invitation.pk, invitation.token_key]),
        "no such invitation": signing.Signer(salt=TOKEN_SALT).sign_object([invitation.pk + 1000, invitation.token_key]),
    }


@pytest.mark.parametrize(
    "case",
    [
        "signature changed",
        "payload changed",
        "signature dropped",
        "garbage",
        "right signature, wrong key",
        "other salt",
        "no such invitation",
    ],
)
def test_a_tampered_or_forged_token_is_a_404(client, invitation, case):
    token = _tampered(invitation)[case]

    assert client.get(reverse("surveys:respond", args=[token])).status_code == HTTPStatus.NOT_FOUND
    assert client.post(reverse("surveys:respond", args=[token]), {"action": "submit"}).status_code == HTTPStatus.NOT_FOUND


def test_an_unsent_invitation_has_no_working_link(client, fit, mentorship):
    unsent = invitation_for(fit, mentorship, role="mentor", sent=False)

    assert client.get(unsent.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_save_a_draft_then_finish(client, invitation, fit):
    url = invitation.get_absolute_url()
    q = questions(fit)
    fit_q = q["Is your mentoring match a good fit?"]
    text_q = q["What adjustments, if any, would help your mentoring connection?"]

    response = client.post(url, {f"q{fit_q.pk}": GOOD_FIT, f"q{text_q.pk}": "Half-way thoughts", "action": "save"})

    assert response.status_code == HTTPStatus.FOUND
    invitation.refresh_from_db()
    assert invitation.draft_saved_at is not None
    assert invitation.completed_at is None
    assert dict(Answer.objects.filter(invitation=invitation).values_list("question_id", "choice")) == {
        fit_q.pk: GOOD_FIT,
        text_q.pk: "",
    }
    page = client.get(url).content.decode()
    assert "Half-way thoughts" in page
    assert f'value="{GOOD_FIT}" checked' in page

    # Submitting without the required answers keeps the draft and says what is missing.
    response = client.post(url, {f"q{fit_q.pk}": GOOD_FIT, "action": "submit"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert services.REQUIRED in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.completed_at is None

    response = client.post(url, {**full_answers(fit), "action": "submit"})
    assert response.status_code == HTTPStatus.FOUND
    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    assert Answer.objects.filter(invitation=invitation).count() == 6
    assert Answer.objects.get(invitation=invitation, question=text_q).text == "More evening meetings."

    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Already answered" in page.content.decode()
    assert "More evening meetings." not in page.content.decode()


def test_once_submitted_the_link_cannot_change_the_answers(client, invitation, fit):
    url = invitation.get_absolute_url()
    client.post(url, {**full_answers(fit), "action": "submit"})

    for action in ("submit", "save"):
        response = client.post(url, {**full_answers(fit, NOT_A_GOOD_FIT), "action": action})
        assert "Already answered" in response.content.decode()

    q = questions(fit)["Is your mentoring match a good fit?"]
    assert Answer.objects.get(invitation=invitation, question=q).choice == GOOD_FIT
    with pytest.raises(services.RuleViolation, match="already answered"):
        services.survey_response_submit(invitation=invitation, answers={})


def test_a_choice_not_offered_is_refused(client, invitation, fit):
    q = questions(fit)["Is your mentoring match a good fit?"]

    response = client.post(invitation.get_absolute_url(), {f"q{q.pk}": "Something else", "action": "save"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Answer.objects.exists()
    with pytest.raises(services.SurveyAnswerError) as error:
        services.survey_response_save_draft(invitation=invitation, answers={q.pk: "Something else"})
    assert error.value.errors == {q.pk: services.NOT_A_CHOICE}


def test_the_partner_never_sees_the_other_answers(client, fit, mentorship):
    mentee_invitation = invitation_for(fit, mentorship, role="mentee")
    mentor_invitation = invitation_for(fit, mentorship, role="mentor")
    text_q = questions(fit)["What adjustments, if any, would help your mentoring connection?"]
    client.post(mentee_invitation.get_absolute_url(), {f"q{text_q.pk}": "My mentor cancels a lot", "action": "save"})

    page = client.get(mentor_invitation.get_absolute_url()).content.decode()

    assert "My mentor cancels a lot" not in page
    assert selectors.answers_for_invitation(invitation=mentor_invitation) == {}


def test_someone_signed_in_as_another_person_is_refused(client, invitation):
    client.force_login(invitation.mentorship.mentor)

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert selectors.NOT_YOURS in response.content.decode()


def test_the_recipient_signed_in_uses_the_link_and_lists_their_surveys(client, invitation, fit, mentorship):
    other = invitation_for(fit, pair_in("ky-connections", D(2026, 1, 15)), role="mentee")
    client.force_login(invitation.recipient)

    assert client.get(invitation.get_absolute_url()).status_code == HTTPStatus.OK
    page = client.get(reverse("surveys:mine")).content.decode()
    assert invitation.get_absolute_url() in page
    assert other.get_absolute_url() not in page


# ---------------------------------------------------------------------------
# The fit-check alert
# ---------------------------------------------------------------------------


def test_not_a_good_fit_alerts_the_program_coordinators(client, invitation, fit, django_capture_on_commit_callbacks):
    sponsors = [coordinator_of("ky-connections"), coordinator_of("ky-connections")]
    elsewhere = coordinator_of("hhs")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(invitation.get_absolute_url(), {**full_answers(fit, NOT_A_GOOD_FIT), "action": "submit"})

    for sponsor in sponsors:
        (alert,) = Notification.objects.filter(user=sponsor)
        assert "needs your attention" in alert.subject
        assert invitation.recipient.display_name in alert.body
        assert NOT_A_GOOD_FIT in alert.body
        assert alert.url == reverse("admin:surveys_survey_results", args=[fit.pk])
        assert [m.subject for m in mail.outbox if m.to == [sponsor.email]] == [f"[Mentoring] {alert.subject}"]
    assert not Notification.objects.filter(user=elsewhere).exists()
    # The partner hears nothing of it.
    assert not Notification.objects.filter(user=invitation.mentorship.mentor).exists()


def test_a_good_fit_or_a_draft_alerts_nobody(client, invitation, fit, mentorship, django_capture_on_commit_callbacks):
    sponsor = coordinator_of("ky-connections")
    other = invitation_for(fit, mentorship, role="mentor")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(invitation.get_absolute_url(), {**full_answers(fit, NOT_A_GOOD_FIT), "action": "save"})
        client.post(other.get_absolute_url(), {**full_answers(fit, GOOD_FIT), "action": "submit"})

    assert not Notification.objects.filter(user=sponsor).exists()
    assert mail.outbox == []


def test_an_alert_from_an_anonymous_survey_does_not_say_who(invitation, fit, django_capture_on_commit_callbacks):
    fit.anonymous_in_reporting = True
    fit.save()
    sponsor = coordinator_of("ky-connections")
    q = {question.pk: question for question in fit.questions.all()}
    answers = {int(k[1:]): (int(v) if q[int(k[1:])].is_rating else v) for k, v in full_answers(fit, NOT_A_GOOD_FIT).items()}

    with django_capture_on_commit_callbacks(execute=True):
        services.survey_response_submit(invitation=invitation, answers=answers)

    (alert,) = Notification.objects.filter(user=sponsor)
    assert "does not say who" in alert.body
    assert invitation.recipient.display_name not in alert.body
    assert invitation.mentorship.mentor.display_name not in alert.body


def test_a_closed_survey_takes_no_answers(client, invitation, fit):
    fit.active = False
    fit.save()

    response = client.post(invitation.get_absolute_url(), {**full_answers(fit), "action": "submit"}, follow=True)

    assert "This survey is closed" in response.content.decode()
    assert not SurveyInvitation.objects.filter(completed_at__isnull=False).exists()
