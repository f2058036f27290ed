"""AU-2/AU-3: each security event writes one append-only row with who, when, from where and what."""

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.urls import reverse

from mentorship.tests.builders import cohort_of, coordinator_of, mentee_in
from mentorship.tests.factories import PASSWORD, UserFactory
from programs.models import ProgramCoordinator
from security.models import SecurityEvent, SecurityEventKind
from security.services import security_event_record

pytestmark = pytest.mark.django_db

AGENT = {"HTTP_USER_AGENT": "Audit-Test/1.0", "REMOTE_ADDR": "203.0.113.7"}


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind))


def test_a_sign_in_writes_who_when_and_from_where(client):
    person = UserFactory()
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD}, **AGENT)
    (event,) = events(SecurityEventKind.SIGN_IN)
    assert event.actor == person and event.actor_email == person.email
    assert event.ip_address == "203.0.113.7" and event.user_agent == "Audit-Test/1.0"
    assert event.at is not None


def test_a_failed_sign_in_writes_the_address_typed(client):
    person = UserFactory()
    client.post(reverse("account_login"), {"login": person.email, "password": "nope"}, **AGENT)
    (event,) = events(SecurityEventKind.SIGN_IN_FAILED)
    assert event.identifier == person.email and event.subject == person and event.actor is None
    assert events(SecurityEventKind.SIGN_IN) == []


def test_a_sign_out_writes_one_row(client):
    person = UserFactory()
    client.force_login(person)
    client.post(reverse("account_logout"), **AGENT)
    (event,) = events(SecurityEventKind.SIGN_OUT)
    assert event.actor == person


def test_a_password_change_writes_one_row(client):
    person = UserFactory()
    client.force_login(person)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "An0ther-Strong-pass", "password2": "An0ther-Strong-pass"},
        **AGENT,
    )
    (event,) = events(SecurityEventKind.PASSWORD_CHANGED)
    assert event.subject == person and event.actor == person


def test_adding_an_email_address_writes_one_row(client):
    person = UserFactory()
    client.force_login(person)
    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.com"}, **AGENT)
    assert EmailAddress.objects.filter(email="second@example.com").exists()
    (event,) = events(SecurityEventKind.EMAIL_ADDED)
    assert event.subject == person and "second@example.com" in event.detail


def test_a_role_change_writes_one_row_naming_what_changed():
    person = UserFactory()
    person.is_staff = True
    person.save()
    (event,) = events(SecurityEventKind.ROLE_CHANGED)
    assert event.subject == person and "is_staff: False → True" in event.detail
    person.first_name = "Renamed"
    person.save()
    person.save(update_fields=["last_login"])
    assert len(events(SecurityEventKind.ROLE_CHANGED)) == 1


def test_a_role_change_during_a_request_names_who_made_it_and_from_where(rf):
    # The admin's save runs inside a request; django-simple-history's middleware
    # keeps that request for the thread, as it does here.
    from simple_history.models import HistoricalRecords

    person = UserFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = rf.post(f"/admin/mentorship/user/{person.pk}/change/", **AGENT)
    request.user = superuser
    HistoricalRecords.context.request = request
    try:
        person.is_superuser = True
        person.save()
    finally:
        del HistoricalRecords.context.request
    (event,) = [e for e in events(SecurityEventKind.ROLE_CHANGED) if e.subject_id == person.pk]
    assert event.actor == superuser and event.ip_address == "203.0.113.7" and "is_superuser" in event.detail


def test_coordinator_scope_changes_write_a_row_each():
    cohort = cohort_of("hhs")
    coordinator = coordinator_of(cohort.program)
    (added,) = events(SecurityEventKind.COORDINATOR_ADDED)
    assert added.subject == coordinator and added.program_id == cohort.program_id
    ProgramCoordinator.objects.get(user=coordinator).delete()
    (removed,) = events(SecurityEventKind.COORDINATOR_REMOVED)
    assert removed.subject == coordinator and removed.program_id == cohort.program_id


def test_an_export_writes_one_row_with_who_ran_it(client):
    cohort = cohort_of("ky-connections")
    mentee_in(cohort)
    coordinator = coordinator_of(cohort.program)
    client.force_login(coordinator)
    response = client.get(reverse("admin:programs_enrollment_export"), {"kind": "participants"}, **AGENT)
    assert response.status_code == 200, response
    (event,) = events(SecurityEventKind.EXPORT_RUN)
    assert event.actor == coordinator and "participants" in event.detail and event.ip_address == "203.0.113.7"


def test_an_import_writes_one_row_and_a_dry_run_none():
    from mentorship.services.participant_import import participants_import

    cohort = cohort_of("ky-connections")
    coordinator = coordinator_of(cohort.program)
    data = f"email,first_name,last_name,role,cohort\nnew.person@example.com,New,Person,mentee,{cohort.name}\n"
    participants_import(program=cohort.program, data=data, by=coordinator, dry_run=True)
    assert events(SecurityEventKind.IMPORT_RUN) == []
    participants_import(program=cohort.program, data=data, by=coordinator)
    (event,) = events(SecurityEventKind.IMPORT_RUN)
    assert event.actor == coordinator and event.program_id == cohort.program_id


def test_the_audit_is_append_only():
    event = security_event_record(kind=SecurityEventKind.EXPORT_RUN, detail="x")
    event.detail = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).update(detail="changed")
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get(pk=event.pk).detail == "x"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_itself_refuses_to_change_an_audit_row():
    from django.db import DatabaseError, transaction

    event = security_event_record(kind=SecurityEventKind.EXPORT_RUN, detail="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE security_securityevent SET detail = 'changed' WHERE id = %s", [event.pk])


def test_a_deleted_person_leaves_their_rows_and_address(client):
    person = UserFactory(is_staff=True)
    person_pk, email = person.pk, person.email
    person.delete()
    (event,) = events(SecurityEventKind.ROLE_CHANGED)
    assert event.subject_id == person_pk and event.subject_email == email


def test_only_superusers_see_the_audit_and_nobody_changes_it(client):
    security_event_record(kind=SecurityEventKind.EXPORT_RUN, detail="visible")
    changelist = reverse("admin:security_securityevent_changelist")
    client.force_login(coordinator_of("aahpm"))
    assert client.get(changelist).status_code == 403
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(changelist)
    assert page.status_code == 200 and "visible" in page.content.decode()
    event = SecurityEvent.objects.get(detail="visible")
    assert client.get(reverse("admin:security_securityevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:security_securityevent_add")).status_code == 403


def test_the_audit_exports_as_csv_for_superusers(client):
    event = security_event_record(kind=SecurityEventKind.SIGN_IN_FAILED, identifier="=HYPERLINK(1)")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:security_securityevent_changelist"), {"action": "export_csv", "_selected_action": [event.pk]}
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Sign-in failed" in body and "'=hyperlink(1)" in body
