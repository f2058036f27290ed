"""Who may open the directory, invitation and mentorship pages: every URL,
every kind of visitor.

A mentee sees only their own invitations and mentorships, a mentor only
theirs, coordinators only their programs'; the directory is for the program's
approved mentees and its coordinators. Refused visitors get 404 (or the login
page) and never the confidential text; every POST needs a CSRF token.
"""

import dataclasses
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from mentorship import services
from mentorship.models import InvitationState, MeetingKind, Mentorship, MentorshipState

from .builders import cohort_of, coordinator_of, invite, meeting, mentee_in, mentor_in, pair

pytestmark = pytest.mark.django_db

SECRET_MESSAGE = "Confidential: I am struggling with burnout after my divorce."
SECRET_REASON = "Confidential: the mentee missed four calls and was rude."

ACTORS = [
    "mentee",  # sent the invitation
    "mentor",  # received it; mentors `partner` and mentored `former`
    "partner",  # the mentor's current mentee
    "coordinator",  # runs AAHPM
    "other_mentee",  # approved AAHPM mentee, not involved
    "other_mentor",  # approved AAHPM mentor, not involved
    "foreign_mentee",  # approved mentee of HHS only
    "other_coordinator",  # runs HHS only
    "anonymous",
]


@dataclasses.dataclass
class World:
    people: dict
    invitation: object
    mentorship: Mentorship
    ended: Mentorship
    free_mentor: object


@pytest.fixture
def world() -> World:
    aahpm, hhs = cohort_of("aahpm"), cohort_of("hhs")
    mentor = mentor_in(aahpm)
    people = {
        "mentee": mentee_in(aahpm),
        "mentor": mentor,
        "partner": mentee_in(aahpm),
        "coordinator": coordinator_of(aahpm.program),
        "other_mentee": mentee_in(aahpm),
        "other_mentor": mentor_in(aahpm),
        "foreign_mentee": mentee_in(hhs),
        "other_coordinator": coordinator_of(hhs.program),
    }
    former = mentee_in(aahpm)
    ended = pair(aahpm, mentor, former)
    services.mentorship_end(mentorship=ended, by=former, reason=SECRET_REASON)
    mentorship = pair(aahpm, mentor, people["partner"])
    meeting(mentorship, kind=MeetingKind.DISCOVERY)
    invitation = invite(aahpm, people["mentee"], mentor, message=SECRET_MESSAGE)
    return World(people, invitation, mentorship, ended, free_mentor=mentor_in(aahpm))


def _client(world: World, actor: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if actor != "anonymous":
        client.force_login(world.people[actor])
    return client


# (name, method, url, POST data, who gets what)
def _cases(w: World):
    inv, ms = w.invitation.pk, w.mentorship.pk
    return {
        "directory": ("get", reverse("directory:list", args=["aahpm"]), None,
                      {"mentee": 200, "partner": 200, "other_mentee": 200, "coordinator": 200}),
        "mentor_detail": ("get", reverse("directory:mentor", args=["aahpm", w.free_mentor.pk]), None,
                          {"mentee": 200, "partner": 200, "other_mentee": 200, "coordinator": 200}),
        "invite": ("post", reverse("directory:invite", args=["aahpm", w.free_mentor.pk]),
                   {"message": "I would like to learn about hospice leadership."},
                   # The partner already has a mentor and the coordinator is no mentee: the form says so.
                   {"mentee": 302, "other_mentee": 302, "partner": 200, "coordinator": 200}),
        "invitation_detail": ("get", reverse("invitations:detail", args=[inv]), None,
                              {"mentee": 200, "mentor": 200, "coordinator": 200}),
        # A participant in the wrong role reads the rule's message on the page.
        "invitation_accept": ("post", reverse("invitations:accept", args=[inv]), {},
                              {"mentor": 302, "mentee": 200}),
        "invitation_decline": ("post", reverse("invitations:decline", args=[inv]), {"reason": "Busy."},
                               {"mentor": 302, "mentee": 200}),
        "invitation_withdraw": ("post", reverse("invitations:withdraw", args=[inv]), {},
                                {"mentee": 302, "mentor": 200}),
        "mentorship_detail": ("get", reverse("mentorships:detail", args=[ms]), None,
                              {"mentor": 200, "partner": 200, "coordinator": 200}),
        "ended_mentorship_detail": ("get", reverse("mentorships:detail", args=[w.ended.pk]), None,
                                    {"mentor": 200, "coordinator": 200}),
        # Coordinators end, extend and reassign in the admin; the site's forms are the pair's.
        "mentorship_end": ("post", reverse("mentorships:end", args=[ms]),
                           {"outcome": "ended_early", "reason": "We agreed to stop."},
                           {"mentor": 302, "partner": 302}),
        "mentorship_duration": ("post", reverse("mentorships:duration", args=[ms]), {"months": 8},
                                {"mentor": 302, "partner": 302}),
        "mentorship_extend": ("post", reverse("mentorships:extend", args=[ms]), {"months": 3},
                              {"mentor": 200, "partner": 200}),  # AAHPM does not extend: the message
    }


CASE_NAMES = [
    "directory",
    "mentor_detail",
    "invite",
    "invitation_detail",
    "invitation_accept",
    "invitation_decline",
    "invitation_withdraw",
    "mentorship_detail",
    "ended_mentorship_detail",
    "mentorship_end",
    "mentorship_duration",
    "mentorship_extend",
]


def _snapshot(w: World):
    w.invitation.refresh_from_db()
    w.mentorship.refresh_from_db()
    return (
        w.invitation.state,
        w.mentorship.state,
        w.mentorship.planned_end_on,
        w.mentorship.extended_count,
        w.invitation.mentee.invitations_sent.count() + w.people["other_mentee"].invitations_sent.count(),
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_page_is_for_the_right_people_only(world, case, actor):
    method, url, data, allowed = _cases(world)[case]
    before = _snapshot(world)

    response = getattr(_client(world, actor), method)(url, data) if data is not None else _client(world, actor).get(url)

    body = response.content.decode()
    if actor == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == f"{reverse('account_login')}?next={url}"
    elif actor in allowed:
        assert response.status_code == allowed[actor], body[:2000]
        return
    else:
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert SECRET_MESSAGE not in body
    assert SECRET_REASON not in body
    assert _snapshot(world) == before


def test_the_people_entitled_read_the_confidential_text(world):
    """The matrix above would prove nothing if the pages never showed the text."""
    invitation_url = world.invitation.get_absolute_url()
    for actor in ("mentee", "mentor", "coordinator"):
        assert SECRET_MESSAGE in _client(world, actor).get(invitation_url).content.decode()
    assert SECRET_REASON in _client(world, "mentor").get(world.ended.get_absolute_url()).content.decode()
    assert SECRET_MESSAGE in _client(world, "mentor").get(reverse("invitations:list")).content.decode()
    assert SECRET_MESSAGE in _client(world, "mentor").get(reverse("notifications:list")).content.decode()


@pytest.mark.parametrize("actor", [a for a in ACTORS if a not in ("mentor",)])
@pytest.mark.parametrize("name", ["invitations:list", "notifications:list", "dashboard"])
def test_lists_show_only_ones_own(world, name, actor):
    url = reverse(name)

    response = _client(world, actor).get(url)

    if actor == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert SECRET_MESSAGE not in body
    assert SECRET_REASON not in body


def test_marking_notifications_read_touches_only_ones_own(world):
    mentor = world.people["mentor"]
    assert mentor.notifications.filter(read_at__isnull=True).exists()

    response = _client(world, "other_mentor").post(reverse("notifications:read"))

    assert response.status_code == HTTPStatus.FOUND
    assert mentor.notifications.filter(read_at__isnull=True).exists()


def test_accepting_through_the_page_leads_to_the_mentorship(world):
    response = _client(world, "mentor").post(reverse("invitations:accept", args=[world.invitation.pk]))

    world.invitation.refresh_from_db()
    assert world.invitation.state == InvitationState.ACCEPTED
    assert response.url == world.invitation.mentorship.get_absolute_url()


def test_wrong_participant_reads_why_on_the_invitation_page(world):
    response = _client(world, "mentee").post(reverse("invitations:accept", args=[world.invitation.pk]))

    assert services.NOT_YOUR_INVITATION.format(who="the invited mentor") in response.content.decode()
    world.invitation.refresh_from_db()
    assert world.invitation.state == InvitationState.PENDING


# ---------------------------------------------------------------------------
# CSRF
# ---------------------------------------------------------------------------

POSTS = [
    ("invite", "mentee"),
    ("invitation_accept", "mentor"),
    ("invitation_decline", "mentor"),
    ("invitation_withdraw", "mentee"),
    ("mentorship_end", "partner"),
    ("mentorship_duration", "partner"),
    ("mentorship_extend", "partner"),
]


@pytest.mark.parametrize(("case", "actor"), POSTS)
def test_every_post_needs_a_csrf_token(world, case, actor):
    _, url, data, _ = _cases(world)[case]
    before = _snapshot(world)

    response = _client(world, actor, enforce_csrf_checks=True).post(url, data)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot(world) == before


def test_marking_notifications_read_needs_a_csrf_token(world):
    mentor = world.people["mentor"]

    response = _client(world, "mentor", enforce_csrf_checks=True).post(reverse("notifications:read"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert mentor.notifications.filter(read_at__isnull=True).exists()


def test_the_forms_carry_the_csrf_token(world):
    """With the token from the page, the same POST goes through."""
    client = _client(world, "mentor", enforce_csrf_checks=True)
    client.get(world.invitation.get_absolute_url())
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse("invitations:decline", args=[world.invitation.pk]),
        {"reason": "On leave.", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == HTTPStatus.FOUND
    world.invitation.refresh_from_db()
    assert world.invitation.state == InvitationState.DECLINED


def test_directory_refuses_an_approved_mentor_of_the_program(world):
    # The directory is for the program's approved mentees and its coordinators only.
    response = _client(world, "other_mentor").get(reverse("directory:list", args=["aahpm"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_mentee_waiting_for_approval_cannot_browse(world):
    cohort = world.invitation.cohort
    applicant = mentee_in(cohort, state="applied")
    client = Client()
    client.force_login(applicant)

    assert client.get(reverse("directory:list", args=["aahpm"])).status_code == HTTPStatus.NOT_FOUND


def test_ending_through_the_page(world):
    response = _client(world, "partner").post(
        reverse("mentorships:end", args=[world.mentorship.pk]),
        {"outcome": "ended_early", "reason": "We agreed to stop."},
    )

    assert response.status_code == HTTPStatus.FOUND
    world.mentorship.refresh_from_db()
    assert world.mentorship.state == MentorshipState.ENDED_EARLY


def test_coordinator_reads_the_invitation_as_an_observer(world):
    mentee, mentor = world.people["mentee"], world.people["mentor"]

    body = _client(world, "coordinator").get(world.invitation.get_absolute_url()).content.decode()

    assert escape(f"{mentee.display_name} invited {mentor.display_name}") in body
    assert "Your invitation to" not in body
    assert reverse("invitations:accept", args=[world.invitation.pk]) not in body
    assert reverse("invitations:withdraw", args=[world.invitation.pk]) not in body
