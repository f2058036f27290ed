"""Session lock after inactivity (NIST 800-53 AC-11/AC-12).

The time of the person's last request is kept in their session. A request
that comes after `SESSION_IDLE_TIMEOUT_SECONDS` without one signs them out,
writes a "signed out after inactivity" audit row, and sends them to sign in
again with the page they were on as `next`. The page's script warns
`SESSION_IDLE_WARNING_SECONDS` before and keeps whatever was typed in a
form, so nothing is lost (static/js/session-timeout.js).

The stamp is rewritten at most once a minute, so a busy person's pages do not
each save the session; the status endpoint reads it without refreshing it.
"""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import SecurityEventKind
from .services import security_event_record

LAST_ACTIVITY = "_security_last_activity"
REFRESH_AFTER_SECONDS = 60
TIMED_OUT = "You were signed out after {minutes} without activity. Sign in to carry on where you were."


def idle_timeout() -> int | None:
    return settings.SESSION_IDLE_TIMEOUT_SECONDS or None


def activity_mark(session, now: float | None = None) -> None:
    session[LAST_ACTIVITY] = int(now or time.time())


def seconds_left(session, now: float | None = None) -> int | None:
    timeout = idle_timeout()
    last = session.get(LAST_ACTIVITY)
    if timeout is None or last is None:
        return timeout
    return max(0, int(timeout - ((now or time.time()) - last)))


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = idle_timeout()
        user = getattr(request, "user", None)
        if timeout is None or user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last = request.session.get(LAST_ACTIVITY)
        if last is not None and now - last > timeout:
            return self._sign_out(request, user=user, minutes=timeout // 60)
        passive = request.path == reverse("security:session_status")
        if not passive and (last is None or now - last >= REFRESH_AFTER_SECONDS):
            activity_mark(request.session, now)
        return self.get_response(request)

    def _sign_out(self, request, *, user, minutes: int):
        period = f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes else "a short time"
        request._security_timed_out = True
        security_event_record(
            kind=SecurityEventKind.SESSION_TIMED_OUT, request=request, actor=user, identifier=user.email,
            detail=f"after {period} without activity",
        )
        logout(request)
        # Said on the next page, also when the page's script found out first.
        messages.info(request, TIMED_OUT.format(minutes=period))
        if request.path in (reverse("security:session_status"), reverse("security:session_keepalive")):
            return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
        # A form posted after the timeout is not carried out on a new sign-in:
        # the person comes back to the page, where their draft is restored.
        back = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={quote(back)}")
