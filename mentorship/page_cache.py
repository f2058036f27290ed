"""A page's expensive content, rendered once and reused while nothing under it changed.

The mentor directory's results and "Suggested for you" cost about 35 ms of CPU
to build for 1,000 mentors; the same person asking for the same address again
gets the HTML kept in the shared cache. The key holds:

- the person and the full address (filters, page): nobody is ever served
  another person's content, since suggestions and shortlists are personal;
- the data fingerprint (`matching.features.pool_fingerprint`: the newest audit
  row of programs, cohorts, enrolments, mentorships, matching weights and
  shortlists, the newest enrolment and mentorship, the latest profile change,
  the newest skill, and today's date). Every saved change to those moves it, so
  an accepted invitation, an approval, a profile edit or a new shortlist shows
  on the very next request.

What the fingerprint cannot see (a name changed on the account in the admin, a
bulk UPDATE) shows within `PAGE_CONTENT_CACHE_SECONDS` (60 s by default; 0
turns the cache off). Only the content is cached: the layout around it (the
navigation, messages, the sign-out form and its CSRF token) is rendered on
every request, and the view checks access before it asks for the content.

If the cache cannot be reached, the content is rendered as if nothing were
cached: a Redis outage makes pages slower, not broken.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 60


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CONTENT_CACHE_SECONDS", DEFAULT_SECONDS))


def content_key(*, name: str, user_id: int, path: str, fingerprint: tuple) -> str:
    digest = hashlib.blake2b(f"{path}\x00{fingerprint!r}".encode(), digest_size=16).hexdigest()
    return f"content:{name}:{user_id}:{digest}"


def cached_content(request, *, name: str, render: Callable[[], str]) -> SafeString:
    """The HTML `render()` returns for this person and address, from the cache when it is current."""
    seconds = _seconds()
    if seconds <= 0:
        return mark_safe(render())
    from matching.features import pool_fingerprint

    key = content_key(name=name, user_id=request.user.pk, path=request.get_full_path(), fingerprint=pool_fingerprint())
    return mark_safe(get_or_set(key, render, seconds))


def get_or_set(key: str, compute: Callable[[], object], seconds: int):
    """`cache.get_or_set`, except that when the shared cache cannot be reached the
    value is computed (and a warning logged) instead of the request failing."""
    try:
        value = cache.get(key)
    except Exception:  # redis.ConnectionError, TimeoutError…: whatever the backend raises
        logger.warning("shared cache unreachable; computing %s", key, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.warning("shared cache unreachable; %s not kept", key, exc_info=True)
    return value
