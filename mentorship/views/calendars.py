"""The private calendar feed and its settings page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services


@login_required
def calendar_settings(request):
    token = services.calendar_token_get(user=request.user)
    feed_url = request.build_absolute_uri(reverse("calendar:feed", kwargs={"token": token.token}))
    return render(
        request,
        "mentorship/calendar/calendar.html",
        {"feed_url": feed_url, "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://")},
    )


@login_required
@require_POST
def calendar_reset(request):
    services.calendar_token_reset(user=request.user)
    messages.success(request, "Your calendar address is new; the old one no longer works. Subscribe again.")
    return redirect("calendar:settings")


@require_GET
@never_cache
def calendar_feed_view(request, token):
    """The private feed: no sign-in (calendar apps cannot), the secret in the URL decides."""
    user = selectors.feed_owner(token=token)
    response = HttpResponse(services.feed_ics(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
