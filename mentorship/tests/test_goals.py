"""The goals document under each program's own name: the mentee owns
it, the mentor reads it once shared (AAHPM: after the discovery call), and
coordinators never read it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from mentorship import services
from mentorship.models import Goal, GoalStatus, MeetingKind, MentorshipState, Notification

from .builders import at, coordinator_of, met, pair_in, refused

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = at(2026, 4, 6, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    "slug, document",
    [
        ("aahpm", "Mentoring Worksheet"),
        ("hhs", "IDP (Individual Development Plan)"),
        ("ky-connections", "Connections Development Plan"),
    ],
)
def test_the_goals_document_carries_the_programs_own_name(client, slug, document):
    mentorship = pair_in(slug, D(2026, 3, 1))
    client.force_login(mentorship.mentee)

    page = client.get(reverse("goals:list", kwargs={"pk": mentorship.pk})).content.decode()
    assert f"<h1 class=\"h4 mb-1\">{document}</h1>" in page
    assert document in client.get(mentorship.get_absolute_url()).content.decode()


def test_the_mentee_writes_goals_and_the_mentor_cannot():
    mentorship = pair_in("ky-connections", D(2026, 3, 1))
    goal = services.goals.goal_create(
        mentorship=mentorship, by=mentorship.mentee, title=" Present at a chapter meeting ", target_date=D(2026, 9, 1)
    )
    assert (goal.title, goal.status) == ("Present at a chapter meeting", GoalStatus.NOT_STARTED)

    message = services.goals.ONLY_THE_MENTEE.format(document="Connections Development Plan")
    with refused(message):
        services.goals.goal_create(mentorship=mentorship, by=mentorship.mentor, title="Mine")
    with refused(message):
        services.goals.goal_update(goal=goal, by=mentorship.mentor, title="Changed")
    with refused(message):
        services.goals.goal_delete(goal=goal, by=mentorship.mentor)


def test_a_goal_needs_a_title():
    mentorship = pair_in("ky-connections", D(2026, 3, 1))
    with refused(services.goals.TITLE_REQUIRED):
        services.goals.goal_create(mentorship=mentorship, by=mentorship.mentee, title="   ")


def test_the_mentor_reads_the_document_only_once_it_is_shared(client):
    mentorship = pair_in("ky-connections", D(2026, 3, 1))
    services.goals.goal_create(mentorship=mentorship, by=mentorship.mentee, title="GOAL-TEXT", description="DESCRIPTION-TEXT")
    url = reverse("goals:list", kwargs={"pk": mentorship.pk})
    client.force_login(mentorship.mentor)

    page = client.get(url).content.decode()
    assert "has not shared the Connections Development Plan with you yet" in page
    assert "GOAL-TEXT" not in page and "DESCRIPTION-TEXT" not in page

    services.goals.goals_share(mentorship=mentorship, by=mentorship.mentee)

    page = client.get(url).content.decode()
    assert "GOAL-TEXT" in page and "DESCRIPTION-TEXT" in page
    assert Notification.objects.filter(
        user=mentorship.mentor, subject=f"{mentorship.mentee.display_name} shared their Connections Development Plan"
    ).exists()


def test_aahpm_shares_the_worksheet_only_after_the_discovery_call():
    mentorship = pair_in("aahpm", D(2026, 3, 1))
    services.goals.goal_create(mentorship=mentorship, by=mentorship.mentee, title="Board prep")

    with refused(services.goals.SHARE_AFTER_DISCOVERY.format(program="AAHPM", document="Mentoring Worksheet")):
        services.goals.goals_share(mentorship=mentorship, by=mentorship.mentee)
    met(mentorship, at(2026, 4, 1), kind=MeetingKind.DISCOVERY, status="scheduled")  # planned is not held
    with refused(services.goals.SHARE_AFTER_DISCOVERY.format(program="AAHPM", document="Mentoring Worksheet")):
        services.goals.goals_share(mentorship=mentorship, by=mentorship.mentee)

    met(mentorship, at(2026, 4, 2), kind=MeetingKind.DISCOVERY)
    mentorship = services.goals.goals_share(mentorship=mentorship, by=mentorship.mentee)
    assert mentorship.goals_shared_at == NOW


def test_sharing_needs_a_goal_and_happens_once():
    mentorship = pair_in("hhs", D(2026, 3, 1))
    with refused(services.goals.NOTHING_TO_SHARE.format(document="IDP (Individual Development Plan)")):
        services.goals.goals_share(mentorship=mentorship, by=mentorship.mentee)
    services.goals.goal_create(mentorship=mentorship, by=mentorship.mentee, title="Lead a project")
    with refused(services.goals.ONLY_THE_MENTEE.format(document="IDP (Individual Development Plan)")):
        services.goals.goals_share(mentorship=mentorship, by=mentorship.mentor)
    services.goals.goals_share(mentorship=mentorship, by=mentorship.mentee)
    with refused(
        services.goals.ALREADY_SHARED.format(document="IDP (Individual Development Plan)", mentor=mentorship.mentor.display_name)
    ):
        services.goals.goals_share(mentorship=mentorship, by=mentorship.mentee)


def test_an_ended_mentorships_goals_are_frozen():
    mentorship = pair_in("hhs", D(2026, 3, 1), state=MentorshipState.COMPLETED, ended_on=D(2026, 4, 1))
    with refused(services.goals.MENTORSHIP_ENDED.format(document="IDP (Individual Development Plan)")):
        services.goals.goal_create(mentorship=mentorship, by=mentorship.mentee, title="Late")


def test_the_mentee_adds_edits_and_deletes_goals_through_the_pages(client):
    mentorship = pair_in("ky-connections", D(2026, 3, 1))
    client.force_login(mentorship.mentee)

    response = client.post(
        reverse("goals:new", kwargs={"pk": mentorship.pk}),
        {"title": "Run a meeting", "description": "", "target_date": "2026-06-30", "status": "in_progress", "progress_notes": ""},
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.target_date, goal.status) == (D(2026, 6, 30), "in_progress")

    response = client.post(
        reverse("goals:edit", kwargs={"pk": goal.pk}),
        {"title": "Run two meetings", "description": "", "target_date": "", "status": "achieved", "progress_notes": "Done in May"},
    )
    goal.refresh_from_db()
    assert (goal.title, goal.status, goal.target_date, goal.progress_notes) == (
        "Run two meetings",
        "achieved",
        None,
        "Done in May",
    )

    client.post(reverse("goals:delete", kwargs={"pk": goal.pk}))
    assert not Goal.objects.exists()


def test_an_empty_goal_form_is_shown_again_with_the_error(client):
    mentorship = pair_in("ky-connections", D(2026, 3, 1))
    client.force_login(mentorship.mentee)
    response = client.post(reverse("goals:new", kwargs={"pk": mentorship.pk}), {"title": "", "status": "not_started"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_the_coordinator_sees_how_many_goals_never_what_they_say(client):
    mentorship = pair_in("hhs", D(2026, 3, 1))
    services.goals.goal_create(mentorship=mentorship, by=mentorship.mentee, title="SECRET-GOAL", progress_notes="SECRET-PROGRESS")
    services.goals.goals_share(mentorship=mentorship, by=mentorship.mentee)
    client.force_login(coordinator_of(mentorship.program))

    page = client.get(mentorship.get_absolute_url()).content.decode()
    assert "1 goal, 0 achieved." in page
    assert "SECRET-GOAL" not in page and "SECRET-PROGRESS" not in page
    assert client.get(reverse("goals:list", kwargs={"pk": mentorship.pk})).status_code == 404

    admin_page = client.get(reverse("admin:mentorship_mentorship_change", args=[mentorship.pk])).content.decode()
    assert "SECRET-GOAL" not in admin_page
    assert client.get("/admin/mentorship/goal/").status_code == 404
