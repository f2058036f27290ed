"""Thin Celery tasks: take ids, call a service; safe to run twice.

Services queue these by name (services/queue.py) and never import this
module, so the imports here only ever point down.
"""

import smtplib

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from .services import invitations_expire, mentorships_end_due, notification_email_send
from .services.reminders import reminders_plan, reminders_resend_stale, reminders_send


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def notification_email_task(self, notification_id: int) -> bool:
    return notification_email_send(notification_id=notification_id)


@shared_task
def invitations_expire_task() -> dict:
    return invitations_expire()


@shared_task
def mentorships_end_due_task() -> list[int]:
    """Beat, daily: end the pairs whose time is up; safe to run twice (each pair ends once)."""
    return [m.pk for m in mentorships_end_due(today=timezone.localdate())]


@shared_task
def reminders_plan_task() -> dict:
    """Beat, hourly: plan, claim and queue the reminders due now."""
    counts = reminders_plan()
    counts.pop("preview", None)
    return counts


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def reminders_send_task(self, delivery_ids: list[int]) -> int:
    return reminders_send(delivery_ids=delivery_ids)


@shared_task
def reminders_resend_stale_task() -> dict:
    """Beat, every 30 minutes: queue again claimed reminders and notification
    emails whose message was lost (a broker restarted without persistence)."""
    return reminders_resend_stale()


@shared_task
def sessions_clear_expired_task() -> None:
    """Beat, daily: delete expired sessions. Django keeps every session row until
    `clearsessions` runs; a cached copy expires from Redis by itself."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
