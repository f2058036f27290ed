"""AC-8: a system-use notice that must be accepted before signing in, where a deployment sets one."""

import pytest
from django.urls import reverse

from mentorship.tests.factories import PASSWORD, UserFactory
from security.forms import BANNER_NOT_ACCEPTED

pytestmark = pytest.mark.django_db

NOTICE = "You are accessing a U.S. Government information system.\nUsage may be monitored."


def test_without_a_banner_the_sign_in_page_asks_nothing_more(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "accept_banner" not in page and 'id="sign-in-banner"' not in page


def test_the_banner_is_shown_before_sign_in(client, settings):
    settings.SIGN_IN_BANNER = NOTICE
    page = client.get(reverse("account_login")).content.decode()
    assert 'id="sign-in-banner"' in page
    assert "You are accessing a U.S. Government information system.<br>Usage may be monitored." in page
    assert page.index('id="sign-in-banner"') < page.index('name="password"')


def test_signing_in_without_accepting_is_refused(client, settings):
    settings.SIGN_IN_BANNER = NOTICE
    person = UserFactory()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert BANNER_NOT_ACCEPTED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_accepting_the_banner_signs_in(client, settings):
    settings.SIGN_IN_BANNER = NOTICE
    person = UserFactory()
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD, "accept_banner": "on"})
    assert client.session["_auth_user_id"] == str(person.pk)


def test_the_banner_is_escaped(client, settings):
    settings.SIGN_IN_BANNER = "<script>alert(1)</script>"
    page = client.get(reverse("account_login")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
