"""Who may call what: no token, an unknown, expired, revoked or orphaned token,
a read-only token on writes, and a token of another program on every
operation (it neither reads nor changes KY's data)."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from api.models import ApiAuditEntry, ApiToken
from api.tests.conftest import ApiClient, key_for, person
from api.tokens import token_revoke
from api.views import api
from programs.models import Enrollment, EnrollmentState, ProgramCoordinator

pytestmark = pytest.mark.django_db


def operations(w):
    """Every operation of the API, aimed at world `w`'s objects."""
    return [
        ("get", "/api/v1/program", None),
        ("get", "/api/v1/people", None),
        ("get", f"/api/v1/people/{w.mentee.pk}", None),
        ("post", "/api/v1/people/sync", {"people": [person(n=900, email=w.mentee.email)]}),
        ("put", "/api/v1/people/by-external-id/X1", {"email": w.mentee.email, "first_name": "Changed"}),
        ("post", f"/api/v1/people/{w.mentee.pk}/deactivate", {"reason": "Left."}),
        ("get", "/api/v1/enrolments", None),
        ("post", "/api/v1/enrolments", {"person_id": w.mentee.pk, "cohort_id": w.cohort.pk, "role": "mentor"}),
        ("get", f"/api/v1/enrolments/{w.application.pk}", None),
        ("post", f"/api/v1/enrolments/{w.application.pk}/approve", {}),
        ("post", f"/api/v1/enrolments/{w.application.pk}/decline", {}),
        ("get", "/api/v1/mentorships", None),
        ("get", f"/api/v1/mentorships/{w.mentorship.pk}", None),
        ("get", "/api/v1/meetings", None),
        ("get", "/api/v1/contact-minutes", None),
        ("get", f"/api/v1/reports/completion/{w.cohort.pk}", None),
        ("get", "/api/v1/surveys", None),
        ("get", f"/api/v1/surveys/{w.survey.pk}/results", None),
    ]


WRITES = {"post", "put"}


def call(client, method, path, body):
    return getattr(client, method)(path, body) if method in WRITES else client.get(path)


def test_the_matrix_covers_every_operation(ky):
    documented = {
        (method.lower(), path)
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method in ops
    }
    covered = set()
    for method, path, _ in operations(ky):
        for template in {p for _, p in documented}:
            parts, mine = template.split("/"), path.split("/")
            if len(parts) == len(mine) and all(a == b or (a.startswith("{") and (b.isdigit() or a == "{external_id}")) for a, b in zip(parts, mine)):
                covered.add((method, template))
    assert covered == documented


@pytest.mark.parametrize("index", range(18))
def test_without_a_token_every_operation_is_refused(ky, index):
    method, path, body = operations(ky)[index]
    response = call(ApiClient(), method, path, body)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "token_missing"


@pytest.mark.parametrize(
    "spoil, code",
    [
        ("unknown", "token_unknown"),
        ("expired", "token_expired"),
        ("revoked", "token_revoked"),
        ("coordinator_removed", "token_owner_gone"),
        ("coordinator_deactivated", "token_owner_gone"),
    ],
)
def test_a_token_that_no_longer_works_is_refused_on_reads_and_writes(ky, spoil, code):
    key = key_for(ky)
    token = ApiToken.objects.get()
    if spoil == "unknown":
        key = key[:-3] + "xyz"
    elif spoil == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif spoil == "revoked":
        token_revoke(token=token, by=ky.coordinator)
    elif spoil == "coordinator_removed":
        ProgramCoordinator.objects.filter(user=ky.coordinator).delete()
    else:
        ky.coordinator.is_active = False
        ky.coordinator.save(update_fields=["is_active"])
    client = ApiClient(key)
    for method, path, body in (operations(ky)[1], operations(ky)[9]):
        response = call(client, method, path, body)
        assert response.status_code == HTTPStatus.UNAUTHORIZED, path
        assert response.json()["code"] == code
    assert Enrollment.objects.get(pk=ky.application.pk).state == EnrollmentState.APPLIED


@pytest.mark.parametrize("index", range(18))
def test_a_read_only_token_reads_and_never_writes(ky, index):
    method, path, body = operations(ky)[index]
    response = call(ApiClient(key_for(ky, can_write=False)), method, path, body)
    if method in WRITES:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert response.json()["code"] == "read_only_token"
    else:
        assert response.status_code == HTTPStatus.OK
    assert Enrollment.objects.get(pk=ky.application.pk).state == EnrollmentState.APPLIED
    ky.mentee.refresh_from_db()
    assert ky.mentee.is_active and ky.mentee.first_name != "Changed"


@pytest.mark.parametrize("index", range(18))
def test_another_programs_token_neither_reads_nor_writes_ky(ky, hhs, hhs_api, index):
    method, path, body = operations(ky)[index]
    before = (ky.mentee.first_name, ky.mentee.is_active)
    response = call(hhs_api, method, path, body)
    data = response.json()
    text = response.content.decode()
    upsert = path.endswith("/sync") or "by-external-id" in path
    # Nothing of KY's comes back, whatever the answer (an upsert by email links the account the HR
    # system names to HHS, as the CSV import does, and answers with it: below, nothing of it changed).
    for secret in (ky.mentee.email, ky.mentor.email, ky.cohort.name, ky.survey.title):
        assert upsert or secret not in text, (path, secret)
    if method in WRITES:
        if upsert:
            # The HHS token may enrol a person into HHS: never with KY's data, and KY's person is not changed
            # (an account new to HHS only has blanks filled).
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.UNPROCESSABLE_ENTITY)
        else:
            assert response.status_code == HTTPStatus.NOT_FOUND, (path, data)
            assert data["code"] == "not_found"
    elif path.rstrip("/").split("/")[-1].isdigit() or "/results" in path or "/completion/" in path:
        assert response.status_code == HTTPStatus.NOT_FOUND, (path, data)
    else:
        assert response.status_code == HTTPStatus.OK
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        theirs = {
            "/api/v1/people": ("id", {ky.mentee.pk, ky.mentor.pk, ky.application.user_id}),
            "/api/v1/contact-minutes": ("person_id", {ky.mentee.pk, ky.mentor.pk, ky.application.user_id}),
            "/api/v1/enrolments": ("id", set(Enrollment.objects.filter(cohort=ky.cohort).values_list("pk", flat=True))),
            "/api/v1/mentorships": ("id", {ky.mentorship.pk}),
            "/api/v1/meetings": ("id", {ky.meeting.pk}),
            "/api/v1/surveys": ("id", {ky.survey.pk}),
        }
        if path in theirs:
            field, forbidden = theirs[path]
            assert rows, path  # HHS's own rows are there
            assert not {row[field] for row in rows} & forbidden, path
    ky.mentee.refresh_from_db()
    assert (ky.mentee.first_name, ky.mentee.is_active) == before
    assert Enrollment.objects.get(pk=ky.application.pk).state == EnrollmentState.APPLIED
    ky.mentorship.refresh_from_db()
    assert ky.mentorship.state == "active"


def test_rate_limited_per_token_with_retry_after(ky, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    first, second = ApiClient(key_for(ky)), ApiClient(key_for(ky))
    answers = [first.get("/api/v1/program").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = first.get("/api/v1/program")
    assert refused.json()["code"] == "rate_limited" and 1 <= int(refused["Retry-After"]) <= 60
    # Another token counts its own requests.
    assert second.get("/api/v1/program").status_code == 200


def test_every_use_is_recorded_and_writes_are_audited(ky, ky_api):
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    ky_api.get("/api/v1/people")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert not ApiAuditEntry.objects.exists()
    ky_api.post(f"/api/v1/enrolments/{ky.application.pk}/approve", {"note": "Welcome."})
    ky_api.post(f"/api/v1/enrolments/{ky.application.pk}/decline", {})
    entries = list(ApiAuditEntry.objects.order_by("pk").values_list("method", "path", "status", "summary"))
    assert entries == [
        ("POST", f"/api/v1/enrolments/{ky.application.pk}/approve", 200, f"approved enrolment {ky.application.pk}"),
        ("POST", f"/api/v1/enrolments/{ky.application.pk}/decline", 409, "rule"),
    ]
