"""Signing in: email login, mandatory verification, rate limits, no enumeration, the admin door, demo accounts."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from mentorship.models import Profile, Skill, User
from mentorship.tests.factories import PASSWORD, UserFactory
from programs.models import Cohort, Enrollment, ProgramCoordinator

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")


def login(client, email, password=PASSWORD):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_verified_account_signs_in_by_email(client):
    user = UserFactory(email="dana@example.com")

    response = login(client, "Dana@Example.com")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("dashboard")
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.get(reverse("dashboard")).status_code == HTTPStatus.OK


def test_wrong_password_is_refused(client):
    UserFactory(email="dana@example.com")

    response = login(client, "dana@example.com", "not-the-password")

    assert response.status_code == HTTPStatus.OK
    assert not signed_in(client)
    assert response.context["form"].errors


def test_unverified_account_is_sent_to_verify_first(client):
    user = UserFactory(email="new@example.com")
    EmailAddress.objects.filter(user=user).update(verified=False)

    response = login(client, "new@example.com")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("account_email_verification_sent")
    assert not signed_in(client)
    assert client.get(reverse("dashboard")).status_code == HTTPStatus.FOUND
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


def test_login_is_rate_limited_after_five_failures(client):
    UserFactory(email="dana@example.com")
    for _ in range(5):
        assert login(client, "dana@example.com", "wrong").status_code == HTTPStatus.OK

    # Even the right password is refused until the minute is over.
    response = login(client, "dana@example.com")

    assert not signed_in(client)
    body = response.content.decode()
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS)
    assert "Too many failed login attempts" in body


def test_password_reset_does_not_tell_who_has_an_account(client):
    UserFactory(email="known@example.com")
    url = reverse("account_reset_password")

    known = client.post(url, {"email": "known@example.com"})
    unknown = client.post(url, {"email": "stranger@example.com"})

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("account_reset_password_done")
    # Each address gets a mail (a reset link or “no account here”); the page says nothing.
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.com", "stranger@example.com"]


def test_signup_with_a_taken_email_looks_like_any_signup(client):
    UserFactory(email="taken@example.com")
    url = reverse("account_signup")
    data = {"password1": "a-Long-new-passw0rd", "password2": "a-Long-new-passw0rd"}

    taken = client.post(url, {**data, "email": "taken@example.com"})
    fresh = client.post(url, {**data, "email": "fresh@example.com"})

    assert (taken.status_code, taken.url) == (fresh.status_code, fresh.url)
    assert fresh.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.com").count() == 1


def test_signup_creates_a_profile_and_waits_for_verification(client):
    client.post(
        reverse("account_signup"),
        {"email": "fresh@example.com", "password1": "a-Long-new-passw0rd", "password2": "a-Long-new-passw0rd"},
    )

    user = User.objects.get(email="fresh@example.com")
    assert Profile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert not signed_in(client)


def test_admin_sends_anonymous_to_the_allauth_login(client):
    response = client.get("/admin/", follow=True)

    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith(LOGIN_URL)
    assert response.status_code == HTTPStatus.OK
    assert response.request["PATH_INFO"] == LOGIN_URL


def test_admin_login_page_is_not_a_way_around_allauth(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(LOGIN_URL)


@pytest.mark.parametrize("url", ["/admin/", "/admin/programs/program/", "/admin/mentorship/user/"])
def test_non_staff_gets_403_on_the_admin(client, url):
    client.force_login(UserFactory())

    # Django's admin first sends them to its login view, which allauth's
    # secure_admin_login answers with 403 for a signed-in non-staff user.
    response = client.get(url, follow=True)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "AAHPM" not in response.content.decode()


def test_staff_signs_in_through_allauth_and_reaches_the_admin(client):
    from programs.tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory(user__email="coord@example.com").user

    login(client, "coord@example.com")

    assert int(client.session[SESSION_KEY]) == coordinator.pk
    assert client.get("/admin/").status_code == HTTPStatus.OK


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Profile, Skill, EmailAddress, Cohort, Enrollment, ProgramCoordinator)
    }


def test_seed_demo_is_idempotent():
    call_command("seed_demo", quiet=True)
    first = counts()

    call_command("seed_demo", quiet=True)

    assert counts() == first
    # This year's and next year's cohort per program (the roll-forward), and the cohorts of
    # earlier years the demo's older pairs started in.
    assert first["Cohort"] >= 10
    assert first["ProgramCoordinator"] == 5
    # 4 mentors + 4 mentees in each of five programs, two KY applicants, 5 coordinators, 1 admin.
    assert first["User"] == 5 * 8 + 2 + 5 + 1


@pytest.mark.parametrize(
    ("email", "lands_on"),
    [
        ("mentee1.aahpm@example.org", "dashboard"),
        ("mentor1.ky@example.org", "dashboard"),
        ("coordinator.hhs@example.org", "dashboard"),
        ("admin@example.org", "dashboard"),
    ],
)
def test_demo_accounts_can_sign_in(client, email, lands_on):
    call_command("seed_demo", quiet=True)

    response = login(client, email, DEMO_PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse(lands_on)
    assert signed_in(client)
