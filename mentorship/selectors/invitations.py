"""Reads of invitations, for the pair and the program's coordinators."""

from django.db.models import QuerySet
from django.http import Http404

from programs.selectors import coordinated_program_ids

from ..models import Invitation, InvitationState


def invitation_get_for_user(*, user, pk: int, participants_only: bool = False) -> Invitation:
    """The invitation for its mentee and mentor, and (unless `participants_only`,
    for the answers only they give) the program's coordinators; 404 for anyone else."""
    try:
        invitation = Invitation.objects.select_related("program", "cohort", "mentor__profile", "mentee__profile").get(
            pk=pk
        )
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.")
    if invitation.role_of(user):
        return invitation
    if not participants_only and invitation.program_id in coordinated_program_ids(user=user):
        return invitation
    raise Http404("No such invitation.")


def invitations_for_user(*, user) -> dict[str, QuerySet[Invitation]]:
    base = Invitation.objects.select_related("program", "mentor", "mentee").order_by("-created_at")
    return {"received": base.filter(mentor=user), "sent": base.filter(mentee=user)}


def pending_invitation(*, mentee, mentor) -> Invitation | None:
    """The mentee's invitation to this mentor still waiting for an answer, if any."""
    return Invitation.objects.filter(mentee=mentee, mentor=mentor, state=InvitationState.PENDING).first()
