"""The security admin's lists cost the same number of queries for 3 rows as for 40."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentorship.tests.builders import cohort_of, coordinator_of, mentee_in
from mentorship.tests.factories import UserFactory
from security.models import SecurityEvent, SecurityEventKind, SignInLock
from security.services import security_event_record

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_audit_list_costs_the_same_for_more_rows(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:security_securityevent_changelist")

    def rows(n):
        for i in range(n):
            security_event_record(
                kind=SecurityEventKind.SIGN_IN_FAILED, identifier=f"p{i}@example.com", subject=UserFactory()
            )

    rows(3)
    client.get(url)
    small = queries(client, url)
    rows(37)
    # Signing the superuser in wrote rows of its own.
    assert f"{SecurityEvent.objects.count()} security events" in client.get(url).content.decode()
    assert SecurityEvent.objects.count() >= 40
    assert queries(client, url) == small


def test_the_lock_list_costs_the_same_for_more_rows(client):
    cohort = cohort_of("aahpm")
    coordinator = coordinator_of(cohort.program)
    client.force_login(coordinator)
    url = reverse("admin:security_signinlock_changelist")
    now = timezone.now()

    def locks(n):
        for _ in range(n):
            person = mentee_in(cohort)
            SignInLock.objects.create(
                identifier=person.email.lower(), locked_at=now, locked_until=now + datetime.timedelta(minutes=30),
                unlocked_at=now, unlocked_by=coordinator,
            )

    locks(3)
    client.get(url)
    small = queries(client, url)
    locks(37)
    assert "40 sign-in locks" in client.get(url).content.decode()
    assert queries(client, url) == small
