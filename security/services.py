"""Security events and sign-in locks: the one home for AU-2/AU-3 and AC-7.

Every audited event is written by `security_event_record`; every sign-in
failure goes through `sign_in_failed`, which locks an address after
`SIGN_IN_LOCKOUT_FAILURES` failures within `SIGN_IN_LOCKOUT_WINDOW_MINUTES`
(default 10 in 15 minutes) for `SIGN_IN_LOCKOUT_MINUTES` (default 30).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import formats, timezone
from simple_history.models import HistoricalRecords

from .models import SecurityEvent, SecurityEventKind, SignInLock

ACCOUNT_LOCKED = (
    "Too many failed sign-ins for this address. Sign-in is locked until {until}; "
    "try again then, or ask your program coordinator to unlock it sooner."
)
UNLOCK_NOT_ALLOWED = "Only a superuser or a coordinator of the person's program can unlock this address."


@dataclass(frozen=True)
class LockoutPolicy:
    failures: int
    window: datetime.timedelta
    lock: datetime.timedelta


def lockout_policy() -> LockoutPolicy:
    """Read when used, so a deployment (or a test) can change it without a restart of the module."""
    return LockoutPolicy(
        failures=settings.SIGN_IN_LOCKOUT_FAILURES,
        window=datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_WINDOW_MINUTES),
        lock=datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES),
    )


def identifier_normalize(identifier: str) -> str:
    return (identifier or "").strip().lower()[:254]


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    from allauth.account.adapter import get_adapter

    try:
        ip = get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # an unknown client address is recorded as unknown, never refused here
        ip = None
    return ip or None, request.META.get("HTTP_USER_AGENT", "")[:300]


def security_event_record(
    *,
    kind: str,
    request=None,
    actor=None,
    subject=None,
    identifier: str = "",
    program=None,
    detail: str = "",
) -> SecurityEvent:
    """Write one audit row: who (`actor`), about whom (`subject`), from where (the request), what.

    Called from a service without a request, it takes the request being served
    in this thread (django-simple-history's middleware keeps it), if any.
    """
    if request is None:
        request = getattr(HistoricalRecords.context, "request", None)
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    ip, agent = _client(request)
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        subject=subject,
        subject_email=subject.email if subject is not None else "",
        identifier=identifier_normalize(identifier),
        program=program,
        ip_address=ip,
        user_agent=agent,
        detail=detail[:4000],
    )


def sign_in_lock_active(*, identifier: str, now: datetime.datetime | None = None) -> SignInLock | None:
    now = now or timezone.now()
    return SignInLock.objects.filter(
        identifier=identifier_normalize(identifier), locked_until__gt=now, unlocked_at__isnull=True
    ).first()


def sign_in_refused_locked(*, request, identifier: str, lock: SignInLock) -> str:
    """Record the refused attempt (it does not extend the lock) and say until when."""
    security_event_record(
        kind=SecurityEventKind.SIGN_IN_REFUSED_LOCKED, request=request, identifier=identifier,
        subject=_account_for(identifier),
    )
    return ACCOUNT_LOCKED.format(until=formats.date_format(timezone.localtime(lock.locked_until), "DATETIME_FORMAT"))


def _account_for(identifier: str):
    User = get_user_model()
    return User.objects.filter(email__iexact=identifier_normalize(identifier)).first()


def _failures_since(*, identifier: str, now: datetime.datetime, policy: LockoutPolicy) -> int:
    """Failures in the window, counted after the last success, lock end or unlock for the address."""
    since = now - policy.window
    last_success = SecurityEvent.objects.filter(identifier=identifier, kind=SecurityEventKind.SIGN_IN).aggregate(
        at=Max("at")
    )["at"]
    lock = SignInLock.objects.filter(identifier=identifier).first()
    marks = [since, last_success]
    if lock is not None:
        marks += [min(lock.locked_until, now), lock.unlocked_at]
    since = max(mark for mark in marks if mark is not None)
    return SecurityEvent.objects.filter(
        identifier=identifier, kind=SecurityEventKind.SIGN_IN_FAILED, at__gt=since
    ).count()


def sign_in_failed(*, request, identifier: str, now: datetime.datetime | None = None) -> SignInLock | None:
    """Record a failed sign-in; lock the address when the policy's count is reached.

    The person whose account it is hears about the lock by mail (once per lock).
    """
    now = now or timezone.now()
    identifier = identifier_normalize(identifier)
    if not identifier:
        return None
    account = _account_for(identifier)
    policy = lockout_policy()
    with transaction.atomic():
        security_event_record(kind=SecurityEventKind.SIGN_IN_FAILED, request=request, identifier=identifier, subject=account)
        if _failures_since(identifier=identifier, now=now, policy=policy) < policy.failures:
            return None
        lock = _lock(identifier=identifier, now=now, until=now + policy.lock)
        if lock is None:
            return sign_in_lock_active(identifier=identifier, now=now)
        security_event_record(
            kind=SecurityEventKind.ACCOUNT_LOCKED, request=request, identifier=identifier, subject=account,
            detail=f"{policy.failures} failed sign-ins within {int(policy.window.total_seconds() // 60)} minutes; "
            f"locked for {int(policy.lock.total_seconds() // 60)} minutes.",
        )
        if account is not None:
            transaction.on_commit(lambda: _tell_locked(request=request, account=account, lock=lock))
        return lock


def _lock(*, identifier: str, now, until) -> SignInLock | None:
    """Lock the address; None when another request locked it first (it then sends the mail)."""
    try:
        with transaction.atomic():
            lock = SignInLock.objects.select_for_update().filter(identifier=identifier).first()
            if lock is None:
                return SignInLock.objects.create(identifier=identifier, locked_at=now, locked_until=until)
            if lock.unlocked_at is None and lock.locked_until > now:
                return None
            lock.locked_at, lock.locked_until, lock.unlocked_at, lock.unlocked_by = now, until, None, None
            lock.save()
            return lock
    except IntegrityError:
        return None


def _tell_locked(*, request, account, lock: SignInLock) -> None:
    from allauth.account.adapter import get_adapter
    from allauth.core import context

    # Sent once the lock is stored; allauth's mail reads the site from the request.
    with context.request_context(request):
        get_adapter(request).send_mail(
            "security/email/account_locked",
            account.email,
            {"user": account, "locked_until": timezone.localtime(lock.locked_until), "site_url": settings.SITE_URL},
        )


def locks_visible_to(*, user):
    """Superusers see every lock; a coordinator, the locks of people in their programs."""
    from programs.models import Enrollment, ProgramCoordinator

    locks = SignInLock.objects.all()
    if user.is_superuser:
        return locks
    programs = ProgramCoordinator.objects.filter(user=user).values("program_id")
    emails = Enrollment.objects.filter(cohort__program_id__in=programs).annotate(address=Lower("user__email")).values("address")
    return locks.filter(identifier__in=emails)


@transaction.atomic
def sign_in_unlock(*, lock: SignInLock, by, request=None, now: datetime.datetime | None = None) -> SignInLock:
    if not locks_visible_to(user=by).filter(pk=lock.pk).exists():
        raise PermissionDenied(UNLOCK_NOT_ALLOWED)
    lock = SignInLock.objects.select_for_update().get(pk=lock.pk)
    lock.unlocked_at = now or timezone.now()
    lock.unlocked_by = by
    lock.save(update_fields=["unlocked_at", "unlocked_by"])
    security_event_record(
        kind=SecurityEventKind.ACCOUNT_UNLOCKED, request=request, actor=by, identifier=lock.identifier,
        subject=_account_for(lock.identifier),
    )
    return lock
