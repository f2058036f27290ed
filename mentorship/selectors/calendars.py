"""Whose calendar feed a secret token opens."""

import secrets

from django.http import Http404

from ..models import CalendarFeedToken, User


def feed_owner(*, token: str) -> User:
    """The person whose feed this token opens, or 404 (wrong, reset or inactive)."""
    if not token or len(token) > 64:
        raise Http404("No such calendar.")
    row = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active or not secrets.compare_digest(row.token, token):
        raise Http404("No such calendar.")
    return row.user
