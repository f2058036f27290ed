"""The notifications page: one's own only, and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorship.models import Notification

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_constant_queries_and_only_ones_own(client):
    me, other = UserFactory(), UserFactory()
    Notification.objects.create(user=other, subject="Secret for someone else", body="x")
    for n in range(2):
        Notification.objects.create(user=me, subject=f"Mine {n}", body="b")
    client.force_login(me)
    few = queries_for(client, "/notifications/")
    for n in range(2, 30):
        Notification.objects.create(user=me, subject=f"Mine {n}", body="b")
    many = queries_for(client, "/notifications/")
    assert few == many
    body = client.get("/notifications/").content.decode()
    assert "Mine 29" in body and "Secret for someone else" not in body


def test_mark_read_touches_only_ones_own_and_needs_post(client):
    me, other = UserFactory(), UserFactory()
    theirs = Notification.objects.create(user=other, subject="s", body="b")
    mine = Notification.objects.create(user=me, subject="s", body="b")
    client.force_login(me)
    assert client.get("/notifications/read/").status_code == 405
    client.post("/notifications/read/")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
