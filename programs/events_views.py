"""Participants' events: the list of their programs' upcoming events, RSVP, .ics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import events, selectors
from .errors import RuleViolation
from .models import Rsvp

ANSWERED = {
    Rsvp.YES: "You are going to {event}. See you there!",
    Rsvp.MAYBE: "You might go to {event}; change your answer any time.",
    Rsvp.NO: "You are not going to {event}; you will get no reminder for it.",
}


@login_required
def event_list(request):
    return render(request, "programs/events.html", {"events": selectors.events_for_user(user=request.user)})


@login_required
def event_detail(request, pk):
    event = selectors.event_get_for_user(user=request.user, pk=pk)
    mine = selectors.attendance_of(event=event, user=request.user)
    return render(
        request, "programs/event_detail.html", {"event": event, "my_rsvp": mine.rsvp if mine else "", "now": timezone.now()}
    )


@login_required
@require_POST
def event_rsvp(request, pk):
    event = selectors.event_get_for_user(user=request.user, pk=pk)
    answer = request.POST.get("rsvp", "")
    try:
        events.event_rsvp(event=event, user=request.user, answer=answer)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, ANSWERED[Rsvp(answer)].format(event=event.title))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        # Not redirect(back): it would try `back` as a view name first and fail with a 500.
        return HttpResponseRedirect(back)
    return redirect("events:list")


@login_required
def event_ics(request, pk):
    event = selectors.event_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(events.event_ics(event=event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response
