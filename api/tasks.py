"""Thin Celery tasks: take ids, call a service; safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from .models import IdempotencyRecord
from .webhooks import DeliveryFailed, webhook_deliver, webhooks_resend_stale

# An Idempotency-Key answers retries for a day; after that it is forgotten.
IDEMPOTENCY_KEEP = datetime.timedelta(hours=24)


@shared_task(bind=True, max_retries=7, acks_late=True)
def webhook_deliver_task(self, delivery_id: int) -> bool:
    try:
        return webhook_deliver(delivery_id=delivery_id, final_attempt=self.request.retries >= self.max_retries)
    except DeliveryFailed as error:
        # 30 s, 1, 2, 4 … minutes: a receiver down for an hour still gets it.
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries)


@shared_task
def webhooks_resend_stale_task() -> int:
    return webhooks_resend_stale()


@shared_task
def idempotency_records_clear_task() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - IDEMPOTENCY_KEEP).delete()
    return deleted
