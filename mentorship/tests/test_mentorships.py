"""Mentorships run by each program's rules: ending early, completing, the
agreed duration, extending and reassigning."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from mentorship import services
from mentorship.forms.mentorships import OUTCOME_REQUIRED
from mentorship.models import MeetingKind, MeetingStatus, Mentorship, MentorshipState, Notification
from mentorship.tests.factories import UserFactory
from programs import rules

from .builders import cohort_of, coordinator_of, meeting, mentee_in, mentor_in, pair, refused

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 10)


def started(slug: str, on: datetime.date | None = START) -> Mentorship:
    """A mentorship begun on `on` in a 2026 cohort, or today in a running cohort (on=None)."""
    if on is None:
        cohort = cohort_of(slug)
    else:
        cohort = cohort_of(slug, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
    return pair(cohort, mentor_in(cohort), mentee_in(cohort), today=on)


def end(mentorship, by, *, on, reason="It is not working for either of us.", completed=False):
    return services.mentorship_end(mentorship=mentorship, by=by, reason=reason, completed=completed, today=on)


# ---------------------------------------------------------------------------
# HHS: either partner may end only after 3 months
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "mentee"])
@pytest.mark.parametrize("completed", [False, True], ids=["ended_early", "completed"])
def test_hhs_partner_cannot_end_before_three_months(who, completed):
    mentorship = started("hhs")
    allowed_from = datetime.date(2026, 6, 10)

    with refused(
        services.EARLY_END_TOO_SOON.format(
            program="HHS", months=3, date="10 Jun 2026", coordinator="OPDIV coordinator"
        )
    ):
        end(mentorship, getattr(mentorship, who), on=allowed_from - datetime.timedelta(days=1), completed=completed)

    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_hhs_partner_may_end_from_three_months(who):
    mentorship = started("hhs")

    mentorship = end(mentorship, getattr(mentorship, who), on=datetime.date(2026, 6, 10))

    assert mentorship.state == MentorshipState.ENDED_EARLY
    assert mentorship.ended_on == datetime.date(2026, 6, 10)
    assert mentorship.ended_by == getattr(mentorship, who)
    assert mentorship.end_reason == "It is not working for either of us."


def test_hhs_pair_completes_at_the_planned_end():
    mentorship = started("hhs")

    mentorship = end(mentorship, mentorship.mentee, on=datetime.date(2027, 3, 10), completed=True, reason="Done!")

    assert mentorship.state == MentorshipState.COMPLETED


def test_hhs_coordinator_may_end_at_any_time():
    mentorship = started("hhs")
    coordinator = coordinator_of(mentorship.program)

    mentorship = end(mentorship, coordinator, on=START + datetime.timedelta(days=3))

    assert mentorship.state == MentorshipState.ENDED_EARLY
    assert mentorship.ended_by == coordinator


def test_coordinator_of_another_program_may_not_end_it():
    mentorship = started("hhs")
    outsider = coordinator_of(cohort_of("wtap").program)

    with refused(services.access.ONLY_THE_PAIR_OR_COORDINATOR):
        end(mentorship, outsider, on=datetime.date(2026, 9, 1))


def test_hhs_mentorship_page_says_when_ending_becomes_possible(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 4, 1, 12, tzinfo=datetime.timezone.utc), tick=False)
    mentorship = started("hhs")
    client.force_login(mentorship.mentee)

    body = client.get(mentorship.get_absolute_url()).content.decode()
    assert "either partner may end a mentorship early only after 3 months — from 10 Jun 2026" in body
    assert "the OPDIV coordinator can help now" in body

    response = client.post(
        reverse("mentorships:end", args=[mentorship.pk]), {"outcome": "ended_early", "reason": "No fit."}
    )
    assert response.status_code == HTTPStatus.OK
    assert escape(
        services.EARLY_END_TOO_SOON.format(
            program="HHS", months=3, date="10 Jun 2026", coordinator="OPDIV coordinator"
        )
    ) in response.content.decode()


def test_the_end_form_chooses_no_outcome_for_the_person(client):
    mentorship = started("wtap", on=None)
    client.force_login(mentorship.mentee)

    body = client.get(mentorship.get_absolute_url()).content.decode()

    assert "We completed the mentorship" in body and "End it early" in body
    radios = re.findall(r'<input type="radio"[^>]*name="outcome"[^>]*>', body)
    assert len(radios) == 2
    assert not any(re.search(r"\bchecked\b", radio) for radio in radios)


def test_ending_without_choosing_an_outcome_asks_for_one_and_ends_nothing(client):
    mentorship = started("wtap", on=None)
    client.force_login(mentorship.mentee)

    response = client.post(reverse("mentorships:end", args=[mentorship.pk]), {"reason": "We are both moving on."})

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert OUTCOME_REQUIRED in body
    assert "We are both moving on." in body  # what they typed is kept
    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ACTIVE


# ---------------------------------------------------------------------------
# WTAP: no-fault termination; every end has a reason
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_wtap_no_fault_end_by_either_party_at_any_time(who, django_capture_on_commit_callbacks):
    mentorship = started("wtap")
    person = getattr(mentorship, who)
    partner = mentorship.partner_of(person)

    with django_capture_on_commit_callbacks(execute=True):
        mentorship = end(mentorship, person, on=START + datetime.timedelta(days=1), reason="No-fault termination.")

    assert mentorship.state == MentorshipState.ENDED_EARLY
    assert Notification.objects.filter(user=partner, body__contains="No-fault termination.").exists()
    assert not Notification.objects.filter(user=person, subject__contains="has ended").exists()
    assert mail.outbox[-1].to == [partner.email]


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_reason_is_required_to_end(reason):
    mentorship = started("wtap")

    with refused(services.REASON_REQUIRED):
        end(mentorship, mentorship.mentor, on=START, reason=reason)


def test_a_mentorship_ends_once():
    mentorship = started("wtap")
    end(mentorship, mentorship.mentor, on=START)

    with refused(services.MENTORSHIP_NOT_ACTIVE):
        end(mentorship, mentorship.mentee, on=START)


def test_someone_outside_the_pair_cannot_end_it():
    mentorship = started("wtap")

    with refused(services.access.ONLY_THE_PAIR_OR_COORDINATOR):
        end(mentorship, UserFactory(), on=START)


# ---------------------------------------------------------------------------
# AAHPM: completing asks for the wrap-up call
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("wrapup", [None, MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED])
def test_aahpm_completion_needs_a_held_wrapup_call(wrapup):
    mentorship = started("aahpm")
    meeting(mentorship, kind=MeetingKind.DISCOVERY)
    meeting(mentorship, kind=MeetingKind.CHECKIN)
    if wrapup:
        meeting(mentorship, kind=MeetingKind.WRAPUP, status=wrapup)

    with refused(services.WRAPUP_REQUIRED.format(program="AAHPM")):
        end(mentorship, mentorship.mentor, on=datetime.date(2026, 9, 1), completed=True, reason="Goals met.")


def test_aahpm_completes_after_the_wrapup_call():
    mentorship = started("aahpm")
    meeting(mentorship, kind=MeetingKind.WRAPUP)

    mentorship = end(mentorship, mentorship.mentor, on=datetime.date(2026, 9, 1), completed=True, reason="Goals met.")

    assert mentorship.state == MentorshipState.COMPLETED


def test_aahpm_pair_may_end_early_without_a_wrapup_call():
    mentorship = started("aahpm")

    assert end(mentorship, mentorship.mentee, on=START).state == MentorshipState.ENDED_EARLY


def test_aahpm_page_asks_for_the_wrapup_call_before_completing(client):
    mentorship = started("aahpm")
    client.force_login(mentorship.mentor)

    response = client.post(
        reverse("mentorships:end", args=[mentorship.pk]), {"outcome": "completed", "reason": "Goals met."}
    )

    assert response.status_code == HTTPStatus.OK
    assert services.WRAPUP_REQUIRED.format(program="AAHPM") in response.content.decode()
    mentorship.refresh_from_db()
    assert mentorship.is_active


def test_aahpm_duration_through_the_page(client):
    mentorship = started("aahpm")
    client.force_login(mentorship.mentee)
    url = reverse("mentorships:duration", args=[mentorship.pk])

    response = client.post(url, {"months": 6})
    assert services.DISCOVERY_REQUIRED_FOR_DURATION in response.content.decode()

    meeting(mentorship, kind=MeetingKind.DISCOVERY)
    response = client.post(url, {"months": 6})
    assert response.status_code == HTTPStatus.FOUND
    mentorship.refresh_from_db()
    assert mentorship.planned_end_on == rules.add_months(START, 6)


# ---------------------------------------------------------------------------
# Extending
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "planned"), [("hpmsnj", 12), ("hhs", 12), ("wtap", 36)])
def test_extend_where_the_program_allows(slug, planned):
    mentorship = started(slug)
    assert mentorship.planned_end_on == rules.add_months(START, planned)

    mentorship = services.mentorship_extend(mentorship=mentorship, by=mentorship.mentee, months=6)

    assert mentorship.planned_end_on == rules.add_months(START, planned + 6)
    assert mentorship.extended_count == 1
    assert mentorship.is_active


@pytest.mark.parametrize("slug", ["aahpm", "ky-connections"])
def test_extend_refused_where_the_program_does_not_extend(slug):
    mentorship = started(slug)
    before = mentorship.planned_end_on

    with refused(services.NOT_EXTENDABLE.format(program=mentorship.program.short_name)):
        services.mentorship_extend(mentorship=mentorship, by=mentorship.mentor, months=6)

    mentorship.refresh_from_db()
    assert mentorship.planned_end_on == before


def test_extend_refused_for_an_ended_mentorship():
    mentorship = started("hpmsnj")
    end(mentorship, mentorship.mentor, on=START)

    with refused(services.MENTORSHIP_NOT_ACTIVE):
        services.mentorship_extend(mentorship=mentorship, by=mentorship.mentor, months=6)


def test_extend_refused_for_someone_outside_the_pair():
    mentorship = started("hpmsnj")

    with refused(services.access.ONLY_THE_PAIR_OR_COORDINATOR):
        services.mentorship_extend(mentorship=mentorship, by=UserFactory(), months=6)


# ---------------------------------------------------------------------------
# Reassigning (committee, sponsors, third-party pairing)
# ---------------------------------------------------------------------------


def test_coordinator_reassigns_a_mentee(django_capture_on_commit_callbacks):
    mentorship = started("hpmsnj", on=None)
    coordinator = coordinator_of(mentorship.program)
    new_mentor = mentor_in(mentorship.cohort)

    with django_capture_on_commit_callbacks(execute=True):
        new = services.mentorship_reassign(
            mentorship=mentorship, new_mentor=new_mentor, by=coordinator, reason="Schedules never matched."
        )

    mentorship.refresh_from_db()
    assert mentorship.state == MentorshipState.ENDED_EARLY
    assert mentorship.end_reason == "Schedules never matched."
    assert mentorship.ended_by == coordinator
    assert (new.mentor, new.mentee, new.cohort, new.is_active) == (
        new_mentor,
        mentorship.mentee,
        mentorship.cohort,
        True,
    )
    assert new.created_by == coordinator
    assert Notification.objects.filter(user=new_mentor, url=new.get_absolute_url()).exists()


def test_reassignment_follows_the_rules_and_changes_nothing_when_refused():
    mentorship = started("hpmsnj", on=None)
    coordinator = coordinator_of(mentorship.program)
    full_mentor = mentor_in(mentorship.cohort)
    pair(mentorship.cohort, full_mentor, mentee_in(mentorship.cohort))

    with refused(
        services.MENTOR_AT_CAPACITY.format(mentor=full_mentor, count=1, people="person", program="HPMSNJ")
    ):
        services.mentorship_reassign(mentorship=mentorship, new_mentor=full_mentor, by=coordinator, reason="Move.")

    mentorship.refresh_from_db()
    assert mentorship.is_active


@pytest.mark.parametrize("who", ["mentor", "mentee", "other_coordinator"])
def test_only_the_programs_coordinator_reassigns(who):
    mentorship = started("hpmsnj", on=None)
    person = (
        coordinator_of(cohort_of("ky-connections").program) if who == "other_coordinator" else getattr(mentorship, who)
    )

    with refused(services.NOT_YOUR_INVITATION.format(who="the program's coordinator")):
        services.mentorship_reassign(
            mentorship=mentorship, new_mentor=mentor_in(mentorship.cohort), by=person, reason="Move."
        )
