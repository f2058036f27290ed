"""AC-7: repeated failed sign-ins lock the address; the owner is told; a coordinator or superuser unlocks."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentorship.tests.builders import cohort_of, coordinator_of, mentee_in
from mentorship.tests.factories import PASSWORD, UserFactory
from security.models import SecurityEvent, SecurityEventKind, SignInLock
from security.services import sign_in_lock_active, sign_in_unlock

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.SIGN_IN_LOCKOUT_FAILURES = 10
    settings.SIGN_IN_LOCKOUT_WINDOW_MINUTES = 15
    settings.SIGN_IN_LOCKOUT_MINUTES = 30


def attempt(client, email, password="wrong-password"):
    return client.post(LOGIN, {"login": email, "password": password})


def fail_times(client, email, times, *, start=START, every=datetime.timedelta(seconds=20)):
    """Failed sign-ins spread out enough that allauth's 5-a-minute limit does not stop them first."""
    moment = start
    for _ in range(times):
        with time_machine.travel(moment, tick=False):
            attempt(client, email)
        moment += every
    return moment


def signed_in(client):
    # Asked at the travelled-to moment: the session expires two weeks after it.
    return "_auth_user_id" in client.session


def test_ten_failures_in_fifteen_minutes_lock_the_account_even_for_the_right_password(client):
    person = UserFactory()
    after = fail_times(client, person.email, 10)
    with time_machine.travel(after, tick=False):
        response = attempt(client, person.email, PASSWORD)
    assert not signed_in(client)
    assert "Too many failed sign-ins for this address" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCOUNT_LOCKED, subject=person).count() == 1
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SIGN_IN_REFUSED_LOCKED).count() == 1


def test_nine_failures_do_not_lock(client):
    person = UserFactory()
    after = fail_times(client, person.email, 9)
    with time_machine.travel(after, tick=False):
        attempt(client, person.email, PASSWORD)
        assert signed_in(client)
    assert not SignInLock.objects.exists()


def test_failures_outside_the_window_do_not_add_up(client):
    person = UserFactory()
    # Ten failures, one every two minutes: never ten within fifteen minutes.
    after = fail_times(client, person.email, 10, every=datetime.timedelta(minutes=2))
    assert not SignInLock.objects.exists()
    with time_machine.travel(after, tick=False):
        attempt(client, person.email, PASSWORD)
        assert signed_in(client)


def test_a_successful_sign_in_starts_the_count_again(client):
    person = UserFactory()
    after = fail_times(client, person.email, 9)
    with time_machine.travel(after, tick=False):
        attempt(client, person.email, PASSWORD)
        client.logout()
    fail_times(client, person.email, 9, start=after + datetime.timedelta(seconds=30))
    assert not SignInLock.objects.exists()


def test_the_owner_is_told_by_mail_once(client, django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        after = fail_times(client, person.email, 10)
        fail_times(client, person.email, 3, start=after)
    (message,) = [m for m in mail.outbox if person.email in m.to]
    assert "locked" in message.subject.lower()
    assert "coordinator can unlock" in message.body


def test_an_unknown_address_locks_the_same_way_so_the_page_does_not_tell_who_exists(
    client, django_capture_on_commit_callbacks
):
    after = fail_times(client, "nobody@example.com", 10)
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(after, tick=False):
        response = attempt(client, "nobody@example.com")
    assert "Too many failed sign-ins for this address" in response.content.decode()
    assert mail.outbox == []


def test_the_lock_ends_after_thirty_minutes(client):
    person = UserFactory()
    after = fail_times(client, person.email, 10)
    with time_machine.travel(after + datetime.timedelta(minutes=29), tick=False):
        attempt(client, person.email, PASSWORD)
        assert not signed_in(client)
    with time_machine.travel(after + datetime.timedelta(minutes=31), tick=False):
        attempt(client, person.email, PASSWORD)
        assert signed_in(client)


def test_the_policy_is_a_setting(client, settings):
    settings.SIGN_IN_LOCKOUT_FAILURES = 3
    person = UserFactory()
    after = fail_times(client, person.email, 3)
    with time_machine.travel(after, tick=False):
        attempt(client, person.email, PASSWORD)
    assert not signed_in(client)


def test_the_address_is_matched_whatever_its_case(client):
    person = UserFactory()
    after = fail_times(client, person.email.upper(), 10)
    with time_machine.travel(after, tick=False):
        attempt(client, person.email, PASSWORD)
    assert not signed_in(client)


# -- unlock --------------------------------------------------------------------


def locked(person):
    now = timezone.now()
    return SignInLock.objects.create(
        identifier=person.email.lower(), locked_at=now, locked_until=now + datetime.timedelta(minutes=30)
    )


def test_the_persons_coordinator_unlocks_from_the_admin(client):
    cohort = cohort_of("aahpm")
    person = mentee_in(cohort)
    lock = locked(person)
    coordinator = coordinator_of(cohort.program)
    client.force_login(coordinator)
    changelist = reverse("admin:security_signinlock_changelist")
    assert person.email.lower() in client.get(changelist).content.decode()
    client.post(changelist, {"action": "unlock", "_selected_action": [lock.pk]})
    assert sign_in_lock_active(identifier=person.email) is None
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCOUNT_UNLOCKED)
    assert event.actor == coordinator and event.subject == person
    client.logout()
    attempt(client, person.email, PASSWORD)
    assert "_auth_user_id" in client.session


def test_another_programs_coordinator_neither_sees_nor_unlocks(client):
    person = mentee_in(cohort_of("aahpm"))
    lock = locked(person)
    stranger = coordinator_of("ky-connections")
    client.force_login(stranger)
    changelist = reverse("admin:security_signinlock_changelist")
    assert person.email.lower() not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "unlock", "_selected_action": [lock.pk]})
    assert sign_in_lock_active(identifier=person.email) is not None
    with pytest.raises(Exception, match="Only a superuser or a coordinator"):
        sign_in_unlock(lock=lock, by=stranger)


def test_a_superuser_unlocks_any_address():
    lock = locked(UserFactory())
    sign_in_unlock(lock=lock, by=UserFactory(is_staff=True, is_superuser=True))
    assert sign_in_lock_active(identifier=lock.identifier) is None


def test_participants_and_visitors_have_no_lock_admin(client):
    lock = locked(UserFactory())
    changelist = reverse("admin:security_signinlock_changelist")
    assert client.get(changelist).status_code == 302
    client.force_login(mentee_in(cohort_of("aahpm")))
    assert client.get(changelist).status_code == 302
    client.post(changelist, {"action": "unlock", "_selected_action": [lock.pk]})
    assert sign_in_lock_active(identifier=lock.identifier) is not None
