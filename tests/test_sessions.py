"""Sessions read from the shared cache and kept in the database (mentorship/config/sessions.py)."""

from http import HTTPStatus
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.tests.factories import UserFactory
from tests.test_deploy import manage

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")
DOWN = ConnectionError("redis is down")


@pytest.fixture(autouse=True)
def cached_sessions(settings):
    settings.SESSION_ENGINE = "mentorship.config.sessions"


def session_queries(queries) -> list:
    return [q for q in queries.captured_queries if "django_session" in q["sql"]]


def dashboard(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    return response, session_queries(queries)


def test_a_signed_in_request_reads_its_session_from_the_cache(client):
    client.force_login(UserFactory())

    response, reads = dashboard(client)

    assert response.status_code == HTTPStatus.OK
    assert reads == []


def test_a_session_the_cache_lost_is_read_from_the_database_and_kept_again(client):
    client.force_login(UserFactory())
    cache.clear()  # Redis restarted: the database still holds the session

    first, first_reads = dashboard(client)
    second, second_reads = dashboard(client)

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert len(first_reads) == 1
    assert second_reads == []


def test_an_unreachable_cache_leaves_people_signed_in(client):
    client.force_login(UserFactory())

    with mock.patch.object(cache, "get", side_effect=DOWN), mock.patch.object(cache, "set", side_effect=DOWN):
        response, reads = dashboard(client)

    assert response.status_code == HTTPStatus.OK
    assert len(reads) == 1


def test_a_session_read_from_the_database_is_served_though_the_cache_refuses_to_keep_it(client):
    client.force_login(UserFactory())
    cache.clear()

    with mock.patch.object(cache, "set", side_effect=DOWN):
        response, _ = dashboard(client)

    assert response.status_code == HTTPStatus.OK


def test_signing_in_works_while_the_cache_is_unreachable(client):
    user = UserFactory()

    with mock.patch.object(cache, "get", side_effect=DOWN), mock.patch.object(
        cache, "set", side_effect=DOWN
    ), mock.patch.object(cache, "has_key", side_effect=DOWN):
        client.force_login(user)
        response, _ = dashboard(client)

    assert response.status_code == HTTPStatus.OK


def test_signing_out_removes_the_cached_copy(client):
    client.force_login(UserFactory())
    dashboard(client)
    stolen = client.cookies["sessionid"].value

    client.post(reverse("account_logout"))

    client.cookies["sessionid"] = stolen
    assert client.get(DASHBOARD).status_code == HTTPStatus.FOUND  # to the sign-in page


def test_signing_out_while_the_cache_is_unreachable_fails_rather_than_leave_a_copy(client):
    client.force_login(UserFactory())
    dashboard(client)

    with mock.patch.object(cache, "delete", side_effect=DOWN), pytest.raises(ConnectionError):
        client.post(reverse("account_logout"))


@pytest.mark.parametrize(
    "cache_url, engine",
    [("redis://127.0.0.1:6379/1", "mentorship.config.sessions"), ("locmemcache://", "django.contrib.sessions.backends.db")],
    ids=["shared-cache", "per-process-cache"],
)
def test_settings_read_sessions_from_the_cache_only_when_every_process_shares_it(tmp_path, cache_url, engine):
    result = manage(tmp_path, "shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)", CACHE_URL=cache_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == engine


def test_the_daily_sweep_deletes_expired_sessions_only(client):
    from datetime import timedelta

    import time_machine
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.test import Client
    from django.utils import timezone

    from mentorship.config.celery import app
    from mentorship.tasks import sessions_clear_expired_task

    with time_machine.travel(timezone.now() - timedelta(days=15)):
        Client().force_login(UserFactory())  # a sign-in two weeks old: expired
    client.force_login(UserFactory())
    assert Session.objects.count() == 2
    current = client.cookies["sessionid"].value

    sessions_clear_expired_task.delay()

    assert list(Session.objects.values_list("session_key", flat=True)) == [current]
    entry = settings.CELERY_BEAT_SCHEDULE["sessions-clear-expired"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
