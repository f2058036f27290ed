"""The home page and the participant's dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from programs.selectors import enrollments_for_user

from .. import selectors, services
from ..models import InvitationState
from ..selectors.compliance import annotate_health
from ..web import pages


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "mentorship/home.html")


@login_required
def dashboard(request):
    content = pages.DASHBOARD.content(request, render=lambda: _dashboard_content(request))
    return render(request, "mentorship/dashboard/dashboard.html", {"content": content})


def _dashboard_content(request) -> str:
    services.profile_ensure(user=request.user)
    lists = selectors.invitations_for_user(user=request.user)
    mentorships = list(selectors.mentorships_for_user(user=request.user))
    annotate_health(mentorships)  # compliance labels: meetings, contact hours, milestones
    received_pending = list(lists["received"].filter(state=InvitationState.PENDING)[:50])
    context = {
        "enrollments": enrollments_for_user(user=request.user),
        "received": lists["received"][:10],
        "sent": lists["sent"][:10],
        "mentorships": mentorships,
        "due": selectors.due_items(user=request.user, mentorships=mentorships, pending_received=received_pending),
    }
    return render_to_string("mentorship/dashboard/_content.html", context, request=request)
