"""People from an HR system: upserted by external id and email, listed by cursor
and updated_since, with ETags; deprovisioned through the admin's services."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from api.models import ExternalPerson
from api.tests.conftest import person
from mentorship.models import Mentorship, MentorshipState, Notification, Profile, User
from mentorship.tests.factories import PASSWORD
from programs.models import Enrollment, EnrollmentState, Role
from programs.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def sync(client, *people):
    return client.post("/api/v1/people/sync", {"people": list(people)})


def test_sync_creates_people_as_the_import_does_then_updates_and_leaves_alone(ky, ky_api):
    response = sync(ky_api, person(n=1, org_unit="Personnel Cabinet", career_level=3), person(n=2))
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["created"] == 2
    user = User.objects.get(email="employee1@ky.example.gov")
    assert not user.has_usable_password()  # they set one through "forgot password"
    assert EmailAddress.objects.get(user=user).verified is False
    assert (user.profile.org_unit, user.profile.career_level) == ("Personnel Cabinet", 3)
    assert ExternalPerson.objects.get(user=user).external_id == "E00001"

    # The HR system moves them: the unit is replaced; the other person is unchanged.
    again = sync(ky_api, person(n=1, org_unit="Transportation Cabinet"), person(n=2))
    assert [r["outcome"] for r in again.json()["results"]] == ["updated", "unchanged"]
    user.profile.refresh_from_db()
    assert user.profile.org_unit == "Transportation Cabinet"


def test_an_account_new_to_the_program_is_linked_and_only_blanks_are_filled(ky, hhs, ky_api):
    someone = hhs.mentee  # signed up for HHS and wrote their own profile
    Profile.objects.filter(user=someone).update(headline="Nurse, 15 years", org_unit="")
    response = sync(ky_api, person(n=7, email=someone.email.upper(), first_name="X", headline="HR's", org_unit="CHFS"))
    assert response.json()["results"][0] == {"id": someone.pk, "external_id": "E00007", "outcome": "updated"}
    someone.refresh_from_db()
    someone.profile.refresh_from_db()
    assert someone.first_name != "X" and someone.profile.headline == "Nurse, 15 years"
    assert someone.profile.org_unit == "CHFS"


def test_a_bad_page_writes_nothing_and_says_what_is_wrong_with_each(ky, ky_api):
    response = sync(
        ky_api,
        person(n=1),
        person(n=2, email="not-an-email"),
        person(n=1, email="other@ky.example.gov"),
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = response.json()
    assert body["code"] == "invalid_people"
    assert [(e["index"], e["message"]) for e in body["errors"]] == [
        (1, "“not-an-email” is not an email address"),
        (2, "the same external_id as item 0"),
    ]
    assert not User.objects.filter(email__endswith="ky.example.gov").exists()


def test_an_email_is_never_changed_by_a_sync(ky, ky_api):
    sync(ky_api, person(n=1))
    response = sync(ky_api, person(n=1, email="new.address@ky.example.gov"))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["errors"][0]["code"] == "email_mismatch"
    assert User.objects.filter(email="employee1@ky.example.gov").exists()


def test_put_by_external_id_upserts_one_person(ky, ky_api):
    response = ky_api.put("/api/v1/people/by-external-id/KY-42", {"email": "a@ky.example.gov", "first_name": "Ana"})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["external_id"] == "KY-42" and response.json()["first_name"] == "Ana"
    assert ky_api.put("/api/v1/people/by-external-id/KY-42", {"email": "a@ky.example.gov", "last_name": "Lee"}).json()[
        "last_name"
    ] == "Lee"


def test_the_list_pages_by_cursor_filters_by_updated_since_and_answers_304_to_its_etag(ky, ky_api):
    sync(ky_api, *[person(n=n) for n in range(1, 6)])
    seen, cursor = [], ""
    while True:
        page = ky_api.get("/api/v1/people", {"limit": 2, "cursor": cursor}).json()
        seen += [row["id"] for row in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    everyone = set(User.objects.filter(enrollments__cohort=ky.cohort).values_list("pk", flat=True)) | set(
        ExternalPerson.objects.values_list("user_id", flat=True)
    )
    assert len(seen) == len(set(seen)) == len(everyone) and set(seen) == everyone

    later = timezone.now() + datetime.timedelta(hours=1)
    with time_machine.travel(later):
        sync(ky_api, person(n=3, org_unit="Moved"))
    changed = ky_api.get("/api/v1/people", {"updated_since": later.isoformat()}).json()["results"]
    assert [row["external_id"] for row in changed] == ["E00003"]

    first = ky_api.get("/api/v1/people/" + str(changed[0]["id"]))
    etag = first["ETag"]
    assert ky_api.get("/api/v1/people/" + str(changed[0]["id"]), headers={"If-None-Match": etag}).status_code == 304
    sync(ky_api, person(n=3, org_unit="Moved again"))
    assert ky_api.get("/api/v1/people/" + str(changed[0]["id"]), headers={"If-None-Match": etag}).status_code == 200


def test_a_forged_cursor_is_a_400_not_a_500(ky, ky_api):
    response = ky_api.get("/api/v1/people", {"cursor": "eyJhIjo1fQ"})
    assert response.status_code == HTTPStatus.BAD_REQUEST and response.json()["code"] == "bad_cursor"


# --- deprovisioning -------------------------------------------------------------------


def test_deprovisioning_ends_pairs_through_the_services_and_the_partner_is_told(ky, ky_api):
    mentee = ky.mentee
    waiting = EnrollmentFactory(cohort=ky.cohort, role=Role.MENTEE, state=EnrollmentState.WAITLISTED)
    ky.cohort.participant_cap = Enrollment.objects.filter(cohort=ky.cohort, state=EnrollmentState.APPROVED).count()
    ky.cohort.save()
    response = ky_api.post(f"/api/v1/people/{mentee.pk}/deactivate", {"reason": "Left state service."})
    assert response.status_code == HTTPStatus.OK, response.content
    body = response.json()
    assert body["mentorships_ended"] == [ky.mentorship.pk] and body["account_deactivated"] is True

    pair = Mentorship.objects.get(pk=ky.mentorship.pk)
    assert (pair.state, pair.ended_by, pair.end_reason) == (MentorshipState.ENDED_EARLY, ky.coordinator, "Left state service.")
    # The partner is told, in the service's words.
    told = Notification.objects.get(user=ky.mentor, subject__contains="has ended")
    assert "Left state service." in told.body
    # Their enrolment is withdrawn through the service, and the freed place moves up the waitlist.
    assert Enrollment.objects.get(user=mentee, cohort=ky.cohort).state == EnrollmentState.WITHDRAWN
    assert Enrollment.objects.get(pk=waiting.pk).state == EnrollmentState.APPROVED
    # They can no longer sign in.
    mentee.refresh_from_db()
    assert not mentee.is_active
    assert not Client().login(email=mentee.email, password=PASSWORD)
    # A second call changes nothing more.
    again = ky_api.post(f"/api/v1/people/{mentee.pk}/deactivate", {}).json()
    assert again["mentorships_ended"] == [] and again["enrolments_withdrawn"] == []


def test_someone_still_in_another_program_keeps_their_account(ky, hhs, ky_api):
    both = ky.mentor
    EnrollmentFactory(user=both, cohort=hhs.cohort, role=Role.MENTOR)
    body = ky_api.post(f"/api/v1/people/{both.pk}/deactivate", {}).json()
    assert body["account_deactivated"] is False and body["still_in"] == ["HHS"]
    both.refresh_from_db()
    assert both.is_active
    assert Enrollment.objects.get(user=both, cohort=hhs.cohort).state == EnrollmentState.APPROVED
