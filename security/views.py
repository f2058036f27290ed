"""The session clock for the page script: how long is left, and "stay signed in"."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .middleware import activity_mark, seconds_left


def _signed_out():
    return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)


@never_cache
@require_GET
def session_status(request):
    """Read without refreshing, so a tab left open does not keep the session alive."""
    if not request.user.is_authenticated:
        return _signed_out()
    return JsonResponse({"signed_in": True, "seconds_left": seconds_left(request.session)})


@never_cache
@require_POST
def session_keepalive(request):
    if not request.user.is_authenticated:
        return _signed_out()
    activity_mark(request.session)
    return JsonResponse({"signed_in": True, "seconds_left": seconds_left(request.session)})
