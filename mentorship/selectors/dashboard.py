"""A participant's dashboard: their enrolments, invitations, pairs with their
health, and what needs their attention next, most urgent first."""

from programs.selectors import enrollments_for_user

from ..models import InvitationState
from .compliance import annotate_health
from .invitations import invitations_for_user
from .mentorships import due_items, mentorships_for_user

# The most recent invitations each way; the pending ones among all received count for "due".
INVITATIONS_SHOWN = 10
PENDING_CONSIDERED = 50


def dashboard_for(*, user) -> dict:
    lists = invitations_for_user(user=user)
    # Meetings, contact hours, milestones; each due item names the partner.
    mentorships = annotate_health(mentorships_for_user(user=user), reader=user)
    received_pending = list(lists["received"].filter(state=InvitationState.PENDING)[:PENDING_CONSIDERED])
    return {
        "enrollments": enrollments_for_user(user=user),
        "received": lists["received"][:INVITATIONS_SHOWN],
        "sent": lists["sent"][:INVITATIONS_SHOWN],
        "mentorships": mentorships,
        "due": due_items(user=user, mentorships=mentorships, pending_received=received_pending),
    }
