"""AC-11/AC-12: signed out after a period without activity, warned before, nothing typed lost."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from mentorship.models import Goal
from mentorship.tests.builders import at, pair_in
from mentorship.tests.factories import UserFactory
from security.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db

T0 = at(2026, 3, 2, 9, 0)
MINUTES = 60
M = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _timeout(settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 15 * MINUTES
    settings.SESSION_IDLE_WARNING_SECONDS = 120


def signed_in_at(client, user, moment):
    with time_machine.travel(moment, tick=False):
        client.force_login(user)


def get(client, url, moment, **extra):
    with time_machine.travel(moment, tick=False):
        return client.get(url, **extra)


def test_the_development_default_is_eight_hours():
    from mentorship.config import settings as module

    assert module.SESSION_IDLE_TIMEOUT_SECONDS == 8 * 60 * MINUTES
    assert module.SESSION_IDLE_WARNING_SECONDS == 120


def test_a_request_within_the_period_keeps_the_person_signed_in(client):
    signed_in_at(client, UserFactory(), T0)
    assert get(client, reverse("dashboard"), T0 + 14 * M).status_code == 200
    # Each request starts the period again.
    assert get(client, reverse("dashboard"), T0 + 28 * M).status_code == 200


def test_after_the_period_the_next_request_signs_out_and_comes_back_after_sign_in(client):
    person = UserFactory()
    signed_in_at(client, person, T0)
    response = get(client, reverse("people:profile"), T0 + 15 * M + datetime.timedelta(seconds=1), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('account_login')}?next=/profile/"
    assert "signed out after 15 minutes without activity" in response.content.decode()
    with time_machine.travel(T0 + 16 * M, tick=False):
        assert "_auth_user_id" not in client.session
    (event,) = SecurityEvent.objects.filter(kind=SecurityEventKind.SESSION_TIMED_OUT)
    assert event.actor == person
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.SIGN_OUT).exists()


def test_a_form_posted_after_the_period_is_not_carried_out(client):
    pair = pair_in("aahpm", T0.date())
    signed_in_at(client, pair.mentee, T0)
    url = reverse("goals:new", args=[pair.pk])
    with time_machine.travel(T0 + 20 * M, tick=False):
        response = client.post(url, {"title": "Typed before the timeout", "description": "x"})
    assert response.status_code == 302 and response.url == f"{reverse('account_login')}?next={url}"
    assert not Goal.objects.filter(title="Typed before the timeout").exists()


def test_the_status_does_not_keep_the_session_alive_but_stay_signed_in_does(client):
    signed_in_at(client, UserFactory(), T0)
    status = get(client, reverse("security:session_status"), T0 + 13 * M).json()
    assert status == {"signed_in": True, "seconds_left": 2 * MINUTES}
    with time_machine.travel(T0 + 14 * M, tick=False):
        kept = client.post(reverse("security:session_keepalive")).json()
    assert kept == {"signed_in": True, "seconds_left": 15 * MINUTES}
    assert get(client, reverse("dashboard"), T0 + 28 * M).status_code == 200


def test_the_status_after_the_period_says_signed_out(client):
    signed_in_at(client, UserFactory(), T0)
    response = get(client, reverse("security:session_status"), T0 + 16 * M)
    assert response.status_code == 401 and response.json()["signed_in"] is False


@pytest.mark.parametrize("name", ["security:session_status", "security:session_keepalive"])
def test_a_visitor_gets_signed_out_answers(client, name):
    response = client.post(reverse(name)) if name.endswith("keepalive") else client.get(reverse(name))
    assert response.status_code == 401


def test_stay_signed_in_needs_the_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post(reverse("security:session_keepalive")).status_code == 403


def test_pages_carry_the_clock_for_the_warning(client):
    person = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(person)
    for url in (reverse("dashboard"), reverse("admin:index")):
        page = client.get(url).content.decode()
        assert 'id="session-clock"' in page and "js/session-timeout.js" in page, url
        clock = json.loads(page.split('id="session-clock" type="application/json">')[1].split("</script>")[0])
        assert clock["timeout"] == 15 * MINUTES and clock["warning"] == 120


def test_no_clock_when_the_timeout_is_off(client, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 0
    client.force_login(UserFactory())
    assert 'id="session-clock"' not in client.get(reverse("dashboard")).content.decode()
    assert get(client, reverse("dashboard"), T0).status_code == 200
