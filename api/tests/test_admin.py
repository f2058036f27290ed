"""Tokens in the admin: a coordinator creates one for their program and sees its
key once; only the hash is kept; another program's coordinator neither sees nor
revokes it; revoking stops it at once. The docs page uses only local files."""

import datetime
import hashlib
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from api.tests.conftest import ApiClient, key_for

pytestmark = pytest.mark.django_db


def add_token(client, program, *, can_write=True, days=90):
    expires = timezone.localtime() + datetime.timedelta(days=days)
    return client.post(
        reverse("admin:api_apitoken_add"),
        {
            "program": program.pk,
            "name": "Personnel Cabinet sync",
            "can_write": "on" if can_write else "",
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
        follow=True,
    )


def test_a_coordinator_creates_a_token_sees_its_key_once_and_only_the_hash_is_kept(client, ky):
    client.force_login(ky.coordinator)
    response = add_token(client, ky.program)
    messages = " ".join(str(m) for m in get_messages(response.wsgi_request)) + response.content.decode()
    key = re.search(r"(mtp_[\w-]+)", messages).group(1)
    token = ApiToken.objects.get()
    assert (token.program, token.created_by, token.can_write) == (ky.program, ky.coordinator, True)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values().get())  # only its hash and first characters
    assert ApiClient(key).get("/api/v1/program").status_code == 200
    # Shown once: the change page does not have it.
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert key not in page and token.prefix in page


def test_a_coordinator_cannot_create_one_for_another_program_or_for_more_than_a_year(client, ky, hhs):
    client.force_login(ky.coordinator)
    add_token(client, hhs.program)
    add_token(client, ky.program, days=400)
    assert not ApiToken.objects.exists()


def test_another_programs_coordinator_neither_sees_nor_revokes_it(client, ky, hhs):
    key = key_for(ky)
    token = ApiToken.objects.get()
    client.force_login(hhs.coordinator)
    assert token.prefix not in client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert client.get(reverse("admin:api_apitoken_change", args=[token.pk])).status_code == 404
    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiClient(key).get("/api/v1/program").status_code == 200

    # Its own coordinator sees it (a positive control) and revokes it: refused from the next request on.
    client.force_login(ky.coordinator)
    assert token.prefix in client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_by == ky.coordinator
    assert ApiClient(key).get("/api/v1/program").json()["code"] == "token_revoked"


def test_the_webhook_log_is_scoped_too(client, ky, hhs):
    endpoint = WebhookEndpoint.objects.create(program=ky.program, url="https://hr.ky.example.gov/hook")
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="mentorship.formed", event_key="k", payload={})
    client.force_login(hhs.coordinator)
    assert client.get(reverse("admin:api_webhookdelivery_change", args=[delivery.pk])).status_code == 404
    assert client.get(reverse("admin:api_webhookendpoint_change", args=[endpoint.pk])).status_code == 404
    assert "hr.ky.example.gov" not in client.get(reverse("admin:api_webhookdelivery_changelist")).content.decode()
    client.force_login(ky.coordinator)
    assert "hr.ky.example.gov" in client.get(reverse("admin:api_webhookdelivery_changelist")).content.decode()


def test_the_docs_page_and_its_document_are_served_from_our_own_files(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert len([op for ops in document["paths"].values() for op in ops]) == 18


def test_the_command_creates_a_token_as_the_admin_does(ky, capsys):
    from django.core.management import call_command

    call_command("api_token_create", ky.program.slug, ky.coordinator.email, "--write")
    key = capsys.readouterr().out.strip()
    assert ApiClient(key).get("/api/v1/program").json()["token_can_write"] is True
