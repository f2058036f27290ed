"""The home page and the participant's dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from .. import selectors, services
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
    context = selectors.dashboard_for(user=request.user)
    return render_to_string("mentorship/dashboard/_content.html", context, request=request)
