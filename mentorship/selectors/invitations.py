"""Reads of invitations, for the pair and the program's coordinators."""

from django.db.models import QuerySet
from django.http import Http404

from programs.selectors import coordinated_program_ids

from ..models import Invitation


def invitation_get_for_user(*, user, pk: int) -> Invitation:
    try:
        invitation = Invitation.objects.select_related("program", "cohort", "mentor__profile", "mentee__profile").get(
            pk=pk
        )
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.")
    if user.pk in (invitation.mentee_id, invitation.mentor_id) or invitation.program_id in coordinated_program_ids(
        user=user
    ):
        return invitation
    raise Http404("No such invitation.")


def invitations_for_user(*, user) -> dict[str, QuerySet[Invitation]]:
    base = Invitation.objects.select_related("program", "mentor", "mentee").order_by("-created_at")
    return {"received": base.filter(mentor=user), "sent": base.filter(mentee=user)}
