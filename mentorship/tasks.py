"""Thin Celery tasks: take ids, call a service; safe to run twice."""

import smtplib

from celery import shared_task


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def notification_email_task(self, notification_id: int) -> bool:
    from .services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task
def invitations_expire_task() -> dict:
    from .services import invitations_expire

    return invitations_expire()
