"""Webhooks: a program's events posted, signed, to the endpoints its coordinator set up.

Exactly once, as reminders are (mentorship/services/reminders.py): an event is
first *claimed* as one WebhookDelivery row per endpoint, unique on (endpoint,
event key), inserted after the change that caused it has committed; the send
task is queued with the row's id. The task marks the row sent with a
conditional UPDATE just before the POST and releases the mark when the
receiver does not answer 2xx, so a retry (with back-off) posts it; a signal
that fires twice, or a task delivered twice, posts nothing twice. A worker
that dies between the mark and the answer loses that one post (at most once),
and the row stays visible in the admin's delivery log. Rows never tried (the
queue lost the message) are queued again by the half-hourly sweep.

Each POST carries `X-Mentoring-Event`, `X-Mentoring-Delivery` and
`X-Mentoring-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"
with the endpoint's secret>`; the receiver recomputes it and rejects a
timestamp older than a few minutes.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from celery import current_app
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

DELIVER = "api.tasks.webhook_deliver_task"
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 8
STALE_AFTER = datetime.timedelta(minutes=30)
STALE_MAX_AGE = datetime.timedelta(hours=6)


class DeliveryFailed(Exception):
    """The receiver did not take the event (no answer, or not 2xx): retried."""


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_valid(*, secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does with the header (here for the tests and as an example)."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret=secret, timestamp=timestamp, body=body), header)


def webhook_event_record(*, program_id: int, event: str, key: str, payload: dict) -> list[int]:
    """Claim the event for each of the program's active endpoints that takes it,
    then queue the sends once this commits. Returns the ids claimed now."""
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(program_id=program_id, is_active=True) if event in (e.events or [])
    ]
    if not endpoints:
        return []
    now = timezone.now()
    body = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(endpoint=e, event=event, event_key=key, payload=body, created_at=now) for e in endpoints],
            ignore_conflicts=True,
        )
        # The rows this call made: those created now and never tried (a second
        # signal for the same event finds its rows older, or already tried).
        ids = list(
            WebhookDelivery.objects.filter(
                endpoint__in=endpoints, event_key=key, created_at=now, attempts=0, sent_at__isnull=True
            ).values_list("pk", flat=True)
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue(pk))
    return ids


def enqueue(delivery_id: int) -> None:
    current_app.tasks[DELIVER].delay(delivery_id)


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def webhook_deliver(*, delivery_id: int, final_attempt: bool = False) -> bool:
    """Post one claimed delivery; True once sent. Raises DeliveryFailed for a retry."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.sent_at is not None or delivery.failed_at is not None:
        return False
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return False
    now = timezone.now()
    if not WebhookDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).update(sent_at=now):
        return False  # another task has it
    body = json.dumps(
        {"id": delivery.pk, "event": delivery.event, "created_at": delivery.created_at.isoformat(), "data": delivery.payload},
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "mentoring-webhooks/1",
        "X-Mentoring-Event": delivery.event,
        "X-Mentoring-Delivery": str(delivery.pk),
        "X-Mentoring-Signature": signature(secret=endpoint.secret, timestamp=int(time.time()), body=body),
    }
    status, error = None, ""
    try:
        status = _post(endpoint.url, body, headers)
    except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections, a bad address
        error = str(exc)[:300]
    ok = status is not None and 200 <= status < 300
    fields = {"attempts": delivery.attempts + 1, "last_status": status, "last_error": error}
    if ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
        return True
    if final_attempt or delivery.attempts + 1 >= MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk, sent_at=now).update(sent_at=None, failed_at=timezone.now(), **fields)
        return False
    WebhookDelivery.objects.filter(pk=delivery.pk, sent_at=now).update(sent_at=None, **fields)
    raise DeliveryFailed(error or f"HTTP {status}")


def webhook_resend(*, delivery: WebhookDelivery) -> None:
    """The admin's "send again": a failed delivery gets a fresh set of attempts."""
    WebhookDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).update(failed_at=None, attempts=0)
    enqueue(delivery.pk)


def webhooks_resend_stale(*, now: datetime.datetime | None = None) -> int:
    """Queue again the deliveries claimed half an hour to six hours ago and never tried."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(
            sent_at__isnull=True,
            failed_at__isnull=True,
            attempts=0,
            created_at__lt=now - STALE_AFTER,
            created_at__gte=now - STALE_MAX_AGE,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        enqueue(pk)
    return len(ids)
