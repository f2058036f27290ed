"""Reads of the goals document, with who may read it: the mentee always, the
mentor once shared, coordinators never (they see a count)."""

from django.db.models import QuerySet
from django.http import Http404

from ..models import Goal, MeetingKind, Mentorship, User
from .meetings import has_held_meeting


def document_name(mentorship: Mentorship) -> str:
    return mentorship.program.goals_document_name or "Goals"


def mentorship_goals_url(mentorship: Mentorship) -> str:
    from django.urls import reverse

    return reverse("goals:list", kwargs={"pk": mentorship.pk})


def can_read_goals(*, user: User, mentorship: Mentorship) -> bool:
    """The mentee always; the mentor once shared; nobody else, coordinators included."""
    if user.pk == mentorship.mentee_id:
        return True
    return user.pk == mentorship.mentor_id and mentorship.goals_shared_at is not None


def goals_for_reader(*, user: User, mentorship: Mentorship) -> QuerySet[Goal]:
    if not can_read_goals(user=user, mentorship=mentorship):
        raise Http404("No such goals document.")
    return mentorship.goals.all()


def goal_get_for_mentee(*, user: User, pk: int) -> Goal:
    try:
        goal = Goal.objects.select_related("mentorship__program").get(pk=pk)
    except Goal.DoesNotExist:
        raise Http404("No such goal.")
    if goal.mentorship.mentee_id != user.pk:
        raise Http404("No such goal.")
    return goal


def goals_share_waits_for_discovery(*, mentorship: Mentorship) -> bool:
    """AAHPM: "This worksheet or any notes should be shared to the Mentors after
    the discovery call": sharing waits until the discovery call is held."""
    return mentorship.program.goals_shared_after_discovery_call and not has_held_meeting(
        mentorship=mentorship, kind=MeetingKind.DISCOVERY
    )
