"""A page's expensive content, rendered once and reused while nothing under it changed.

Two pages use it, the two that every participant opens most:

- the mentor directory: its results and "Suggested for you" cost about 35 ms of
  CPU to build for 1,000 mentors. The key holds the data fingerprint
  (`matching.features.pool_fingerprint`: the newest audit row of programs,
  cohorts, enrolments, mentorships, matching weights and shortlists, the newest
  enrolment and mentorship, the latest profile change, the newest skill, and
  today's date);
- the dashboard (about 20 ms and 14 queries): the key holds the person's own
  fingerprint (`person_fingerprint`: their enrolments, pairs, invitations, their
  pairs' meetings and agreements, and the programs', cohorts' and profiles'
  newest change, and today's date).

Both keys also hold the person and the full address (filters, page): nobody is
ever served another person's content. Every saved change to what a page shows
moves its fingerprint, so an accepted invitation, a logged meeting, a signed
agreement, an approval or a profile edit shows on the very next request; each
of those has a test that fails without its part of the fingerprint.

What a fingerprint cannot see (a name changed on the account in the admin, a
bulk UPDATE, a scheduled meeting's time passing within the day) shows within
`PAGE_CONTENT_CACHE_SECONDS` (60 s by default; 0 turns the cache off). Only
the content is cached: the layout around it (the navigation, messages, the
sign-out form and its CSRF token) is rendered on every request, and the view
checks access before it asks for the content.

`kept()` does the same for a value rather than a page: the coordinators' unit
and location filter choices, per programs in scope, under the data fingerprint.

If the cache cannot be reached, the content is rendered as if nothing were
cached: a Redis outage makes pages slower, not broken.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import random
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ..models import Agreement, Invitation, InvitationState, Meeting, Mentorship, Profile

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 60


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CONTENT_CACHE_SECONDS", DEFAULT_SECONDS))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def content_key(*, name: str, user_id: int, path: str, fingerprint: tuple) -> str:
    digest = _digest(f"{path}\x00{fingerprint!r}")
    return f"content:{name}:{user_id}:{digest}"


def cached_content(request, *, name: str, render: Callable[[], str], fingerprint: tuple | None = None) -> SafeString:
    """The HTML `render()` returns for this person and address, from the cache when it is current.

    `fingerprint` is what the content is built from (default: the data
    fingerprint of programs, pairs and profiles, `pool_fingerprint`).
    """
    seconds = _seconds()
    if seconds <= 0:
        return mark_safe(render())
    if fingerprint is None:
        from matching.features import pool_fingerprint

        fingerprint = pool_fingerprint()
    key = content_key(name=name, user_id=request.user.pk, path=request.get_full_path(), fingerprint=fingerprint)
    built = []

    def build() -> str | None:
        built.append(render())
        return _keepable(name, built[0])

    html = get_or_set(key, build, seconds)
    return mark_safe(html if html is not None else built[0])


def kept(name: str, fingerprint: tuple, compute: Callable[[], object]):
    """`compute()`, kept under `name` while `fingerprint` (what it is computed
    from) is unchanged, for PAGE_CONTENT_CACHE_SECONDS at most (0: not kept)."""
    seconds = _seconds()
    if seconds <= 0:
        return compute()
    return get_or_set(f"{name}:{_digest(repr(fingerprint))}", compute, seconds)


def _keepable(name: str, html: str) -> str | None:
    """None (so nothing is kept, and the page renders afresh) if the content holds a
    CSRF token: a form added to a cached template must never freeze its token."""
    if "csrfmiddlewaretoken" in html:
        logger.error("%s content holds a CSRF token; it is not cached. Move the form out of the cached part.", name)
        return None
    return html


@functools.cache
def _person_sql() -> str:
    from programs.models import Cohort, Enrollment, Program


    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    theirs = f"SELECT id FROM {table(Mentorship)} WHERE mentor_id = %(user)s OR mentee_id = %(user)s"
    lookups = [
        # Their enrolments: every saved change writes an audit row; bulk inserts a new id.
        f"SELECT MAX(history_id) FROM {table(Enrollment.history.model)} WHERE user_id = %(user)s",
        f"SELECT MAX(id) FROM {table(Enrollment)} WHERE user_id = %(user)s",
        # Their pairs (formed, ended, extended, reassigned, deleted: each writes an audit row).
        f"SELECT MAX(history_id) FROM {table(Mentorship.history.model)} WHERE mentor_id = %(user)s",
        f"SELECT MAX(history_id) FROM {table(Mentorship.history.model)} WHERE mentee_id = %(user)s",
        f"SELECT MAX(id) FROM {table(Mentorship)} WHERE mentor_id = %(user)s OR mentee_id = %(user)s",
        # Their invitations only ever leave "pending" (accepted, declined, withdrawn,
        # expired): the newest id and the number still pending see every change.
        f"SELECT MAX(id) FROM {table(Invitation)} WHERE mentor_id = %(user)s OR mentee_id = %(user)s",
        f"SELECT COUNT(*) FROM {table(Invitation)} WHERE (mentor_id = %(user)s OR mentee_id = %(user)s) "
        "AND state = %(pending)s",
        # Their pairs' meetings (health, contact, what is due): every change saves
        # updated_at; a deleted meeting changes the count.
        f"SELECT MAX(updated_at) FROM {table(Meeting)} WHERE mentorship_id IN ({theirs})",
        f"SELECT COUNT(*) FROM {table(Meeting)} WHERE mentorship_id IN ({theirs})",
        # An agreement shows as a step until both have signed; its terms never show here.
        f"SELECT COUNT(*) + COUNT(mentor_signed_at) + COUNT(mentee_signed_at) FROM {table(Agreement)} "
        f"WHERE mentorship_id IN ({theirs})",
        # Everyone's: the programs' rules and names, cohorts, and names on profiles.
        f"SELECT MAX(history_id) FROM {table(Program.history.model)}",
        f"SELECT MAX(history_id) FROM {table(Cohort.history.model)}",
        f"SELECT MAX(updated_at) FROM {table(Profile)}",
    ]
    return "SELECT " + ", ".join(f"({lookup})" for lookup in lookups)


def person_fingerprint(user_id: int) -> tuple:
    """What a person's dashboard is built from, read in one query of index
    look-ups by person (their enrolments, pairs, invitations, their pairs'
    meetings and agreements) plus three global ones (programs, cohorts,
    profiles), and today's date: health and what is due move with the day."""

    with connection.cursor() as cursor:
        cursor.execute(_person_sql(), {"user": user_id, "pending": InvitationState.PENDING.value})
        row = cursor.fetchone()
    return (timezone.localdate(), tuple(str(value) for value in row))


def get_or_set(key: str, compute: Callable[[], object], seconds: int):
    """`cache.get_or_set`, except that when the shared cache cannot be reached the
    value is computed (and a warning logged) instead of the request failing.

    A value is kept for between three quarters of `seconds` and `seconds`, at
    random: values built together (everyone's directory after a change, the
    first requests after a start) then expire apart instead of being rebuilt
    all in the same instant, which stalled every worker at once under load."""
    try:
        value = cache.get(key)
    except Exception:  # redis.ConnectionError, TimeoutError…: whatever the backend raises
        logger.warning("shared cache unreachable; computing %s", key, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        if value is None:
            return None
        try:
            cache.set(key, value, max(1, round(seconds * random.uniform(0.75, 1.0))))
        except Exception:
            logger.warning("shared cache unreachable; %s not kept", key, exc_info=True)
    return value
