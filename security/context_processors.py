"""What the page script needs to warn before the idle sign-out (AC-11)."""

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse


def session_clock(request):
    user = getattr(request, "user", None)
    timeout = settings.SESSION_IDLE_TIMEOUT_SECONDS
    if not timeout or user is None or not user.is_authenticated:
        return {}
    return {
        "session_clock": {
            "timeout": timeout,
            "warning": min(settings.SESSION_IDLE_WARNING_SECONDS, timeout),
            "user": str(user.pk),
            "status_url": reverse("security:session_status"),
            "keepalive_url": reverse("security:session_keepalive"),
            "csrf": get_token(request),
        }
    }
