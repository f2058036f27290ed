"""Invitations: the lists, one invitation, and the answers to it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from programs.errors import FAILED, RuleViolation, submit

from .. import selectors, services
from ..forms.invitations import DeclineForm
from ..models import InvitationState


@login_required
def invitations(request):
    lists = selectors.invitations_for_user(user=request.user)
    return render(request, "mentorship/invitations/invitations.html", lists)


def _invitation_page(request, invitation, decline_form=None, refusal=""):
    """One invitation. A refused answer (`refusal`) is said once: beside a
    pending invitation's Accept, which it disables, or at the top otherwise."""
    role = invitation.role_of(request.user)
    pending = invitation.state == InvitationState.PENDING
    if role == "mentor" and pending and not refusal:
        refusal = services.invitation_accept_refusal(invitation=invitation, reader=request.user)
    return render(
        request,
        "mentorship/invitations/invitation_detail.html",
        {
            "invitation": invitation,
            "is_mentor": role == "mentor",
            "is_mentee": role == "mentee",
            "decline_form": decline_form or DeclineForm(),
            "free_places": selectors.free_places(program=invitation.program, mentor=invitation.mentor),
            "accept_refusal": refusal if role == "mentor" and pending else "",
            "refusal": refusal if not (role == "mentor" and pending) else "",
        },
    )


@login_required
def invitation_detail(request, pk):
    invitation = selectors.invitation_get_for_user(user=request.user, pk=pk)
    return _invitation_page(request, invitation)


def _participant_invitation(request, pk):
    return selectors.invitation_get_for_user(user=request.user, pk=pk, participants_only=True)


@login_required
@require_POST
def invitation_accept(request, pk):
    invitation = _participant_invitation(request, pk)
    try:
        mentorship = services.invitation_accept(invitation=invitation, by=request.user)
    except RuleViolation as error:
        invitation.refresh_from_db()
        return _invitation_page(request, invitation, refusal=error.message)
    messages.success(request, f"You are now {mentorship.mentee.display_name}'s mentor.")
    return redirect(mentorship.get_absolute_url())


@login_required
@require_POST
def invitation_decline(request, pk):
    invitation = _participant_invitation(request, pk)
    form = DeclineForm(request.POST)
    declined = submit(
        form, lambda data: services.invitation_decline(invitation=invitation, by=request.user, reason=data["reason"])
    )
    if declined is FAILED:
        return _invitation_page(request, invitation, decline_form=form)
    messages.info(request, "You declined the invitation; the mentee has been told.")
    return redirect("invitations:list")


@login_required
@require_POST
def invitation_withdraw(request, pk):
    invitation = _participant_invitation(request, pk)
    try:
        services.invitation_withdraw(invitation=invitation, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
        return _invitation_page(request, invitation)
    messages.info(request, "You withdrew the invitation.")
    return redirect("invitations:list")
