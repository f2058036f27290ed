"""API tokens: created and revoked by a coordinator in the admin, checked on every request.

A token acts for the coordinator who created it, in one program: it stops
working when it expires, when it is revoked, and when that person no longer
runs the program (or is deactivated). Each token may make
`API_RATE_LIMIT_PER_MINUTE` requests a minute, counted in the shared cache
(Redis in production) so every web process counts the same requests.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from programs.errors import RuleViolation
from programs.selectors import coordinated_program_ids

from . import errors
from .errors import ApiError
from .models import ApiToken

MAX_LIFETIME = datetime.timedelta(days=366)
# last_used_at is written at most this often per token: a sync of thousands of
# requests should not rewrite the token's row on each.
LAST_USED_EVERY = datetime.timedelta(seconds=60)

NOT_YOUR_PROGRAM = "You can create API tokens only for the programs you run."
EXPIRY_PAST = "Choose an expiry in the future."
EXPIRY_TOO_FAR = "A token lives at most a year: choose an expiry before {date}."


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, program, by, name: str, can_write: bool, expires_at: datetime.datetime) -> tuple[ApiToken, str]:
    """A new token for `program`, acting for `by`; returns it and its key, which is never shown again."""
    if program.pk not in coordinated_program_ids(user=by):
        raise RuleViolation(NOT_YOUR_PROGRAM, code="forbidden", field="program")
    now = timezone.now()
    if expires_at <= now:
        raise RuleViolation(EXPIRY_PAST, code="expiry", field="expires_at")
    if expires_at > now + MAX_LIFETIME:
        raise RuleViolation(
            EXPIRY_TOO_FAR.format(date=(now + MAX_LIFETIME).strftime("%d %B %Y")), code="expiry", field="expires_at"
        )
    key = ApiToken.new_key()
    token = ApiToken(
        program=program,
        name=name.strip(),
        prefix=key[:12],
        key_hash=key_hash(key),
        can_write=can_write,
        expires_at=expires_at,
        created_by=by,
    )
    token.full_clean()
    token.save()
    return token, key


def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke at once; revoking twice keeps the first date."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    token.refresh_from_db()
    return token


def token_authenticate(*, key: str) -> ApiToken:
    """The token for a presented key, or an ApiError (401 or 429)."""
    if not key:
        raise ApiError(errors.TOKEN_MISSING, code="token_missing", status=401)
    token = (
        ApiToken.objects.select_related("program", "created_by").filter(key_hash=key_hash(key)).first()
    )
    if token is None:
        raise ApiError(errors.TOKEN_UNKNOWN, code="token_unknown", status=401)
    if token.is_revoked:
        raise ApiError(errors.TOKEN_REVOKED, code="token_revoked", status=401)
    now = timezone.now()
    if token.expires_at <= now:
        raise ApiError(
            errors.TOKEN_EXPIRED.format(date=timezone.localtime(token.expires_at).strftime("%d %B %Y")),
            code="token_expired",
            status=401,
        )
    owner = token.created_by
    if not owner.is_active or token.program_id not in coordinated_program_ids(user=owner):
        raise ApiError(
            errors.TOKEN_OWNER_GONE.format(program=token.program.short_name), code="token_owner_gone", status=401
        )
    rate_check(token=token, now=now)
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_check(*, token: ApiToken, now: datetime.datetime) -> None:
    """A fixed one-minute window per token in the shared cache."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    if not limit:
        return
    window = int(now.timestamp()) // 60
    cache_key = f"api-rate:{token.pk}:{window}"
    cache.add(cache_key, 0, timeout=120)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=120)
        count = 1
    if count > limit:
        retry = 60 - int(now.timestamp()) % 60
        raise ApiError(
            errors.RATE_LIMITED.format(limit=limit, retry=retry),
            code="rate_limited",
            status=429,
            headers={"Retry-After": str(retry)},
        )
