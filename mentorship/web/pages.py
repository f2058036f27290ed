"""Cached page content, and what each cached page is built from, declared here.

Two pages are cached, the two that every participant opens most:

- the mentor directory (`DIRECTORY`): its results and "Suggested for you" cost
  about 35 ms of CPU to build for 1,000 mentors;
- the dashboard (`DASHBOARD`): about 20 ms and 14 queries.

Each page names the tables its content is read from (`Source`), each with the
cheapest look-up that moves on every saved change: the newest audit row
(django-simple-history writes one per save), the newest id (bulk inserts
write no audit row), the latest `updated_at`, or a count. One query reads all
of a page's look-ups, down indexes, whatever the size of the tables
(`Fingerprint`); today's date is part of every fingerprint, so what moves with
the day (health, what is due) is rebuilt each morning. The content is kept per
person and full address under that fingerprint: an accepted invitation, a
logged meeting, a signed agreement, an approval or a profile edit shows on the
very next request, and nobody is ever served another person's content. Each
source has a test that fails without it (mentorship/tests/test_page_cache.py).

Tables are named by label ("matching.Shortlist"), so the page can depend on
the data other apps show on it (suggestions and shortlists come from matching's
template tags) without mentorship importing them.

What a fingerprint cannot see (a bulk UPDATE, a scheduled meeting's time
passing within the day) shows within `PAGE_CONTENT_CACHE_SECONDS` (60 s by
default; 0 turns caching off). Only the content is cached: the layout around
it (navigation, messages, the sign-out form and its CSRF token) renders on
every request, and the view checks access before it asks for the content.

`CachedValue` does the same for a value rather than a page: the directory's
unit filter and the coordinators' unit and location filter choices.

If the cache cannot be reached, the content is built as if nothing were cached:
a Redis outage makes pages slower, not broken.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import random
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ..models import InvitationState

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 60


# ---------------------------------------------------------------------------
# Sources and fingerprints
# ---------------------------------------------------------------------------


class _Tables:
    """`{mentorship.Mentorship}` in a source's SQL: the model's quoted table name."""

    def __init__(self, app_label: str):
        self.app_label = app_label

    def __getattr__(self, model_name: str) -> str:
        return _table(f"{self.app_label}.{model_name}")


def _table(label: str) -> str:
    app_label, model_name = label.split(".")
    return connection.ops.quote_name(apps.get_model(app_label, model_name)._meta.db_table)


@dataclasses.dataclass(frozen=True)
class Source:
    """One look-up that moves whenever a row the page shows is saved.

    `table` is a model label; `select` what to read from it (an aggregate);
    `where` narrows it, with `%(user)s` for the person and `{app.Model}` for
    another table. `why` says which change it sees.
    """

    table: str
    select: str
    why: str
    where: str = ""

    def sql(self) -> str:
        tables = {config.label: _Tables(config.label) for config in apps.get_app_configs()}
        where = f" WHERE {self.where.format_map(tables)}" if self.where else ""
        return f"SELECT {self.select} FROM {_table(self.table)}{where}"


class Fingerprint:
    """The look-ups of a page's sources, read in one query, with today's date."""

    def __init__(self, *sources: Source):
        self.sources = sources

    @functools.cached_property
    def sql(self) -> str:
        return "SELECT " + ", ".join(f"({source.sql()})" for source in self.sources)

    def read(self, **params) -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params or None)
            row = cursor.fetchone()
        return (timezone.localdate(), tuple(str(value) for value in row))


def _history(label: str) -> str:
    app_label, model_name = label.split(".")
    return f"{app_label}.Historical{model_name}"


def audited(label: str, why: str) -> Source:
    """Every saved change of the model writes an audit row (django-simple-history)."""
    return Source(_history(label), "MAX(history_id)", why)


# Their pairs, for the per-person look-ups.
_THEIR_PAIRS = "SELECT id FROM {mentorship.Mentorship} WHERE mentor_id = %(user)s OR mentee_id = %(user)s"


# ---------------------------------------------------------------------------
# The cached pages, each with what it is built from
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CachedPage:
    """A page whose content is kept per person and address under its fingerprint."""

    name: str
    fingerprint: Fingerprint
    per_person: bool = False  # the fingerprint reads the person's own rows

    def content(self, request, render: Callable[[], str]) -> SafeString:
        """The HTML `render()` returns for this person and address, from the cache when it is current."""
        seconds = _seconds()
        if seconds <= 0:
            return mark_safe(render())
        params = {"user": request.user.pk, "pending": InvitationState.PENDING.value} if self.per_person else {}
        key = content_key(
            name=self.name, user_id=request.user.pk, path=request.get_full_path(), fingerprint=self.fingerprint.read(**params)
        )
        built = []

        def build() -> str | None:
            built.append(render())
            return _keepable(self.name, built[0])

        html = get_or_set(key, build, seconds)
        return mark_safe(html if html is not None else built[0])


# Programs, pairs and profiles as everyone sees them: the directory's list,
# its filters, "Suggested for you" (matching's pools) and the coordinator's
# shortlists for the person.
_PEOPLE_AND_PAIRS = (
    audited("programs.Program", "a program's rules and names"),
    audited("programs.Cohort", "cohorts opened, closed or renamed"),
    audited("programs.Enrollment", "an approval, a withdrawal"),
    Source("programs.Enrollment", "MAX(id)", "enrolments inserted in bulk (no audit row)"),
    audited("mentorship.Mentorship", "a pair formed, ended or reassigned: free places"),
    Source("mentorship.Mentorship", "MAX(id)", "pairs inserted in bulk"),
    Source("mentorship.Profile", "MAX(updated_at)", "a profile saved: names, skills, units, locations"),
    Source("mentorship.Skill", "MAX(id)", "a new skill in the filter"),
)

DIRECTORY = CachedPage(
    name="directory",
    fingerprint=Fingerprint(
        *_PEOPLE_AND_PAIRS,
        audited("matching.MatchingWeights", "the program's matching weights: the suggestions' order"),
        audited("matching.Shortlist", "a shortlist a coordinator sent"),
    ),
)

DASHBOARD = CachedPage(
    name="dashboard",
    per_person=True,
    fingerprint=Fingerprint(
        Source("programs.HistoricalEnrollment", "MAX(history_id)", "their enrolments decided", "user_id = %(user)s"),
        Source("programs.Enrollment", "MAX(id)", "their enrolments inserted in bulk", "user_id = %(user)s"),
        Source("mentorship.HistoricalMentorship", "MAX(history_id)", "their pairs as mentor", "mentor_id = %(user)s"),
        Source("mentorship.HistoricalMentorship", "MAX(history_id)", "their pairs as mentee", "mentee_id = %(user)s"),
        Source(
            "mentorship.Mentorship",
            "MAX(id)",
            "their pairs inserted in bulk",
            "mentor_id = %(user)s OR mentee_id = %(user)s",
        ),
        # Invitations only ever leave "pending" (accepted, declined, withdrawn,
        # expired): the newest id and the number still pending see every change.
        Source("mentorship.Invitation", "MAX(id)", "an invitation sent", "mentor_id = %(user)s OR mentee_id = %(user)s"),
        Source(
            "mentorship.Invitation",
            "COUNT(*)",
            "an invitation answered or expired",
            "(mentor_id = %(user)s OR mentee_id = %(user)s) AND state = %(pending)s",
        ),
        # Health, contact and what is due: every change saves updated_at; a
        # deleted meeting changes the count.
        Source("mentorship.Meeting", "MAX(updated_at)", "a meeting logged or changed", f"mentorship_id IN ({_THEIR_PAIRS})"),
        Source("mentorship.Meeting", "COUNT(*)", "a meeting deleted", f"mentorship_id IN ({_THEIR_PAIRS})"),
        # An agreement shows as a step until both have signed; its terms never show here.
        Source(
            "mentorship.Agreement",
            "COUNT(*) + COUNT(mentor_signed_at) + COUNT(mentee_signed_at)",
            "an agreement drafted or signed",
            f"mentorship_id IN ({_THEIR_PAIRS})",
        ),
        audited("programs.Program", "a program's rules and names"),
        audited("programs.Cohort", "a cohort renamed"),
        Source("mentorship.Profile", "MAX(updated_at)", "a partner's new name"),
    ),
)


# ---------------------------------------------------------------------------
# Cached values
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CachedValue:
    """A value computed from the data, kept under its fingerprint (not per person)."""

    name: str
    fingerprint: Fingerprint

    def get(self, key: str, compute: Callable[[], object]):
        """`compute()`, kept under `key` while the data it is computed from is unchanged,
        for PAGE_CONTENT_CACHE_SECONDS at most (0: not kept)."""
        seconds = _seconds()
        if seconds <= 0:
            return compute()
        fingerprint = self.fingerprint.read()
        return get_or_set(f"{self.name}:{key}:{_digest(repr(fingerprint))}", compute, seconds)


# The organisation units and locations people gave: the directory's unit
# filter and the coordinators' list filters (a DISTINCT scan of a program's
# people, 15 ms for 3,000 enrolments).
PEOPLE_VALUES = CachedValue(name="people-values", fingerprint=Fingerprint(*_PEOPLE_AND_PAIRS))


# ---------------------------------------------------------------------------
# The cache itself
# ---------------------------------------------------------------------------


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CONTENT_CACHE_SECONDS", DEFAULT_SECONDS))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def content_key(*, name: str, user_id: int, path: str, fingerprint: tuple) -> str:
    digest = _digest(f"{path}\x00{fingerprint!r}")
    return f"content:{name}:{user_id}:{digest}"


def _keepable(name: str, html: str) -> str | None:
    """None (so nothing is kept, and the page renders afresh) if the content holds a
    CSRF token: a form added to a cached template must never freeze its token."""
    if "csrfmiddlewaretoken" in html:
        logger.error("%s content holds a CSRF token; it is not cached. Move the form out of the cached part.", name)
        return None
    return html


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
