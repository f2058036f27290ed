"""What a person sees when the server fails: a page in words, never a traceback;
503 with Retry-After while the database is unreachable (it restarts, fails over)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from mentorship.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TRACEBACK_WORDS = ("Traceback", "OperationalError", "InterfaceError", "RuntimeError", "File \"", "psycopg", "sqlite")


def signed_in_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize(
    "error",
    [
        OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("connection already closed"),
    ],
    ids=["refused", "shutting-down", "closed"],
)
def test_an_unreachable_database_answers_503_with_a_friendly_page(monkeypatch, error):
    client = signed_in_client()

    def down(self):
        raise error

    monkeypatch.setattr(SessionStore, "_get_session_from_db", down)
    response = client.get(reverse("dashboard"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "back in a moment" in body
    assert not any(word in body for word in TRACEBACK_WORDS)


def test_any_other_failure_answers_a_plain_500_page(monkeypatch):
    client = signed_in_client()

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SessionStore, "_get_session_from_db", broken)
    response = client.get(reverse("dashboard"))

    assert response.status_code == 500
    body = response.content.decode()
    assert "something went wrong on our side" in body
    assert not any(word in body for word in TRACEBACK_WORDS)


def test_the_error_pages_need_no_database(django_assert_num_queries):
    from django.template import loader

    with django_assert_num_queries(0):
        for name in ("500.html", "503.html"):
            assert "Mentoring" in loader.get_template(name).render()
