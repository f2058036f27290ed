"""Enrolments through the enrolment services, with their windows and caps; a
refused rule is a 409 with the service's message and code; Idempotency-Key."""

import datetime
import threading
from http import HTTPStatus

import pytest
from django.db import connection
from django.utils import timezone

from api.models import ApiAuditEntry, IdempotencyRecord
from api.tests.conftest import ApiClient, key_for, make_world, person
from mentorship.models import User
from programs.models import Enrollment, EnrollmentState, Role
from programs.services import ENROLMENT_CLOSED, PARTICIPANT_CAP_REACHED
from programs.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_an_application_goes_through_the_window_and_waits_for_the_sponsors(ky, ky_api):
    newcomer = EnrollmentFactory(cohort=ky.cohort, role=Role.MENTOR, state=EnrollmentState.WITHDRAWN).user
    response = ky_api.post(
        "/api/v1/enrolments", {"person_id": newcomer.pk, "cohort_id": ky.cohort.pk, "role": "mentee", "needs": "Budgeting"}
    )
    # KY reviews applications: the enrolment service leaves it applied.
    assert response.status_code == HTTPStatus.CREATED, response.content
    assert response.json()["state"] == "applied"

    ky.cohort.enrolment_closes_on = timezone.localdate() - datetime.timedelta(days=1)
    ky.cohort.save()
    late = EnrollmentFactory(cohort=ky.cohort, role=Role.MENTOR, state=EnrollmentState.WITHDRAWN).user
    refused = ky_api.post("/api/v1/enrolments", {"person_id": late.pk, "cohort_id": ky.cohort.pk, "role": "mentee"})
    assert refused.status_code == HTTPStatus.CONFLICT
    assert refused.json()["code"] == "window"
    assert refused.json()["message"] == ENROLMENT_CLOSED.format(
        cohort=ky.cohort, closes=ky.cohort.enrolment_closes_on, coordinator=ky.program.coordinator_title
    )


def test_approve_within_the_cap_and_a_full_cohort_is_a_409_with_the_services_words(ky, ky_api):
    approved = Enrollment.objects.filter(cohort=ky.cohort, state=EnrollmentState.APPROVED).count()
    ky.cohort.participant_cap = approved + 1
    ky.cohort.save()
    response = ky_api.post(f"/api/v1/enrolments/{ky.application.pk}/approve", {"note": "Welcome."})
    assert response.status_code == HTTPStatus.OK and response.json()["state"] == "approved"
    other = EnrollmentFactory(cohort=ky.cohort, role=Role.MENTEE, state=EnrollmentState.APPLIED)
    full = ky_api.post(f"/api/v1/enrolments/{other.pk}/approve", {})
    assert full.status_code == HTTPStatus.CONFLICT
    assert full.json() == {
        "code": "cap",
        "message": PARTICIPANT_CAP_REACHED.format(cohort=ky.cohort, cap=approved + 1),
        "errors": [],
    }
    declined = ky_api.post(f"/api/v1/enrolments/{other.pk}/decline", {"note": "Next year."})
    assert declined.json()["state"] == "declined" and declined.json()["decision_note"] == "Next year."


def test_admit_approves_at_once_within_the_cap_as_the_import_does(ky, ky_api):
    someone = ky_api.post("/api/v1/people/sync", {"people": [person(n=1)]}).json()["results"][0]["id"]
    response = ky_api.post(
        "/api/v1/enrolments", {"person_id": someone, "cohort_id": ky.cohort.pk, "role": "mentee", "admit": True}
    )
    assert response.status_code == HTTPStatus.CREATED and response.json()["state"] == "approved"
    enrollment = Enrollment.objects.get(pk=response.json()["id"])
    assert enrollment.decided_by == ky.coordinator


def test_a_retry_with_the_same_key_does_the_work_once(ky, ky_api):
    headers = {"Idempotency-Key": "sync-2026-12-05"}
    first = ky_api.post("/api/v1/people/sync", {"people": [person(n=1)]}, headers=headers)
    second = ky_api.post("/api/v1/people/sync", {"people": [person(n=1)]}, headers=headers)
    assert first.json()["created"] == 1
    assert second.content == first.content and second["Idempotent-Replayed"] == "true"
    assert User.objects.filter(email="employee1@ky.example.gov").count() == 1
    other = ky_api.post("/api/v1/people/sync", {"people": [person(n=2)]}, headers=headers)
    assert other.status_code == HTTPStatus.UNPROCESSABLE_ENTITY and other.json()["code"] == "idempotency_key_reused"
    assert list(ApiAuditEntry.objects.order_by("pk").values_list("replayed", flat=True)) == [False, True, True]


def test_a_refusal_is_replayed_and_its_work_rolled_back(ky, ky_api):
    ky.cohort.participant_cap = Enrollment.objects.filter(cohort=ky.cohort, state=EnrollmentState.APPROVED).count()
    ky.cohort.save()
    headers = {"Idempotency-Key": "approve-1"}
    first = ky_api.post(f"/api/v1/enrolments/{ky.application.pk}/approve", {}, headers=headers)
    ky.cohort.participant_cap += 1
    ky.cohort.save()
    again = ky_api.post(f"/api/v1/enrolments/{ky.application.pk}/approve", {}, headers=headers)
    assert first.status_code == again.status_code == HTTPStatus.CONFLICT
    assert Enrollment.objects.get(pk=ky.application.pk).state == EnrollmentState.APPLIED
    # A new key is a new request.
    assert ky_api.post(f"/api/v1/enrolments/{ky.application.pk}/approve", {}, headers={"Idempotency-Key": "2"}).json()[
        "state"
    ] == "approved"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_identical_requests_do_the_work_once():
    world = make_world("ky-connections")
    key = key_for(world)
    body = {"people": [person(n=n) for n in range(1, 41)]}
    answers, barrier = [], threading.Barrier(2)

    def send():
        try:
            barrier.wait()
            client = ApiClient(key)
            answers.append(client.post("/api/v1/people/sync", body, headers={"Idempotency-Key": "nightly-1"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].content == answers[1].content
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert User.objects.filter(email__endswith="@ky.example.gov").count() == 40
    assert IdempotencyRecord.objects.count() == 1
