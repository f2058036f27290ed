"""Webhooks: the four events, each claimed once per endpoint and posted signed,
retried when the receiver fails, once however often the task runs."""

import http.server
import json
import threading

import pytest

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from mentorship import services
from mentorship.models import MentorshipState
from mentorship.tests.factories import MentorshipFactory
from programs.models import EnrollmentState
from programs.services import enrollment_approve
from surveys import services as survey_services
from surveys.models import QuestionKind
from surveys.tests.factories import QuestionFactory, SurveyFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(ky):
    return WebhookEndpoint.objects.create(program=ky.program, url="https://hr.example.gov/hooks", created_by=ky.coordinator)


@pytest.fixture
def posted(monkeypatch):
    """What would have been posted, instead of posting it."""
    calls = []

    def fake_post(url, body, headers):
        calls.append((url, json.loads(body), headers, body))
        return 200

    monkeypatch.setattr(webhooks, "_post", fake_post)
    return calls


def test_pair_formed_and_ended_are_posted_once_each_signed(ky, endpoint, posted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pair = MentorshipFactory(cohort=ky.cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_end(mentorship=pair, by=ky.coordinator, reason="Moved away.")
    with django_capture_on_commit_callbacks(execute=True):
        pair.save()  # a later save of an ended pair is no new event
    assert [(c[1]["event"], c[1]["data"]["mentorship"]["id"]) for c in posted] == [
        ("mentorship.formed", pair.pk),
        ("mentorship.ended", pair.pk),
    ]
    _, payload, headers, body = posted[1]
    assert payload["data"]["mentorship"]["state"] == MentorshipState.ENDED_EARLY
    assert webhooks.signature_valid(secret=endpoint.secret, header=headers["X-Mentoring-Signature"], body=body)
    assert not webhooks.signature_valid(secret="whsec_wrong", header=headers["X-Mentoring-Signature"], body=body)
    assert WebhookDelivery.objects.filter(sent_at__isnull=False).count() == 2


def test_enrolment_decided_and_nothing_for_another_program(ky, hhs, endpoint, posted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_approve(enrollment=ky.application, by=ky.coordinator)
        enrollment_approve(enrollment=hhs.application, by=hhs.coordinator)
    assert [(c[1]["event"], c[1]["data"]["enrolment"]["id"]) for c in posted] == [("enrolment.decided", ky.application.pk)]
    assert posted[0][1]["data"]["enrolment"]["state"] == EnrollmentState.APPROVED


def test_an_anonymous_surveys_event_says_nothing_of_who(ky, endpoint, posted, django_capture_on_commit_callbacks):
    survey = SurveyFactory(program=ky.program, anonymous_in_reporting=True)
    question = QuestionFactory(survey=survey, kind=QuestionKind.RATING)
    invitation = SurveyInvitationFactory(survey=survey, mentorship=ky.mentorship, recipient=ky.mentee)
    with django_capture_on_commit_callbacks(execute=True):
        survey_services.survey_response_submit(invitation=invitation, answers={question.pk: 4})
    (event,) = [c[1] for c in posted]
    assert event["event"] == "survey.answered"
    text = json.dumps(event)
    assert ky.mentee.email not in text and "respondent" not in text and str(invitation.pk) not in event["data"].values()
    assert event["data"]["answered"] == 1


def test_a_failing_receiver_is_retried_and_the_event_posted_once(ky, endpoint, monkeypatch):
    answers = iter([503, 200])
    calls = []
    monkeypatch.setattr(webhooks, "_post", lambda url, body, headers: calls.append(body) or next(answers))
    (delivery_id,) = webhooks.webhook_event_record(program_id=ky.program.pk, event="mentorship.formed", key="k1", payload={})
    assert webhooks.webhook_event_record(program_id=ky.program.pk, event="mentorship.formed", key="k1", payload={}) == []
    with pytest.raises(webhooks.DeliveryFailed):
        webhooks.webhook_deliver(delivery_id=delivery_id)
    row = WebhookDelivery.objects.get()
    assert (row.sent_at, row.attempts, row.last_status) == (None, 1, 503)
    assert webhooks.webhook_deliver(delivery_id=delivery_id) is True
    # The task delivered again (a redelivered message) posts nothing.
    assert webhooks.webhook_deliver(delivery_id=delivery_id) is False
    assert len(calls) == 2
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2


def test_the_last_attempt_marks_it_failed_for_the_admins_log(ky, endpoint, monkeypatch):
    monkeypatch.setattr(webhooks, "_post", lambda url, body, headers: 500)
    (pk,) = webhooks.webhook_event_record(program_id=ky.program.pk, event="mentorship.ended", key="k2", payload={})
    assert webhooks.webhook_deliver(delivery_id=pk, final_attempt=True) is False
    row = WebhookDelivery.objects.get()
    assert row.failed_at is not None and row.sent_at is None
    queued = []
    monkeypatch.setattr(webhooks, "enqueue", queued.append)
    webhooks.webhook_resend(delivery=row)  # the admin's "send again"
    row.refresh_from_db()
    assert (row.failed_at, row.attempts, queued) == (None, 0, [row.pk])


def test_a_real_post_to_a_local_receiver_checks_out(ky):
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = WebhookEndpoint.objects.create(program=ky.program, url=f"http://127.0.0.1:{server.server_port}/h")
        (pk,) = webhooks.webhook_event_record(program_id=ky.program.pk, event="survey.answered", key="k3", payload={"a": 1})
        assert webhooks.webhook_deliver(delivery_id=pk) is True
    finally:
        server.shutdown()
    headers, body = received[0]
    assert headers["X-Mentoring-Event"] == "survey.answered"
    assert webhooks.signature_valid(secret=endpoint.secret, header=headers["X-Mentoring-Signature"], body=body)


def test_an_endpoint_takes_only_the_events_it_chose(ky, posted, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(program=ky.program, url="https://a.example/h", events=["enrolment.decided"])
    with django_capture_on_commit_callbacks(execute=True):
        MentorshipFactory(cohort=ky.cohort)
    assert posted == []


def test_in_production_an_endpoint_must_be_https(ky, settings):
    from django.core.exceptions import ValidationError

    settings.PRODUCTION = True
    with pytest.raises(ValidationError):
        WebhookEndpoint(program=ky.program, url="http://hr.example.gov/hook", created_by=ky.coordinator).full_clean()
    WebhookEndpoint(program=ky.program, url="https://hr.example.gov/hook", created_by=ky.coordinator).full_clean()


def test_the_sweep_queues_again_what_the_broker_lost_and_old_keys_are_forgotten(ky, endpoint, monkeypatch):
    import datetime

    from django.utils import timezone

    from api.models import IdempotencyRecord
    from api.tasks import idempotency_records_clear_task

    queued = []
    monkeypatch.setattr(webhooks, "enqueue", queued.append)
    (lost,) = webhooks.webhook_event_record(program_id=ky.program.pk, event="mentorship.formed", key="lost", payload={})
    queued.clear()
    WebhookDelivery.objects.filter(pk=lost).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert webhooks.webhooks_resend_stale() == 1 and queued == [lost]

    IdempotencyRecord.objects.create(token_hash="a", key="old", request_hash="x", created_at=timezone.now() - datetime.timedelta(days=2))
    IdempotencyRecord.objects.create(token_hash="a", key="new", request_hash="x")
    assert idempotency_records_clear_task() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
