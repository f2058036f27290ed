"""Notifications on the site, and the unsubscribe link every non-essential email carries."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import services
from ..models import EmailFrequency
from ..services.notifications import email_frequency_set, unsubscribe_user_id


@login_required
def notifications(request):
    items = request.user.notifications.all()[:100]
    return render(request, "mentorship/notifications/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request):
    services.notification_mark_read(user=request.user)
    return redirect("notifications:list")


@csrf_exempt
def unsubscribe(request, token):
    """The link in every non-essential email: no login, the signed token is the credential.

    A GET shows the choices; a POST saves one. Mail clients' one-click
    unsubscribe (RFC 8058) POSTs “List-Unsubscribe=One-Click” without a CSRF
    token, hence the exemption: the signed token already proves the link came
    from the person's own email.
    """

    user_id = unsubscribe_user_id(token)
    if user_id is None:
        raise Http404("This link is not valid.")
    saved = None
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            choice = EmailFrequency.OFF
        else:
            choice = request.POST.get("frequency", EmailFrequency.OFF)
        if choice not in EmailFrequency.values:
            choice = EmailFrequency.OFF
        email_frequency_set(user_id=user_id, frequency=choice)
        saved = EmailFrequency(choice).label
    return render(request, "mentorship/notifications/unsubscribe.html", {"choices": EmailFrequency.choices, "saved": saved})
