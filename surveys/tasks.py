"""Thin Celery tasks for surveys; beat runs them daily (mentorship/config/settings.py).

Each is safe to run twice or from two beats: the services claim every send
before it goes out. The emails themselves are mentorship's notification task,
enqueued on commit, which retries on transient mail errors.
"""

from celery import shared_task
from django.utils import timezone


@shared_task
def survey_dispatch_due_task() -> int:
    from .services import survey_dispatch_due

    return survey_dispatch_due(today=timezone.localdate()).sent


@shared_task
def survey_reminders_send_task() -> int:
    from .services import survey_reminders_send

    return survey_reminders_send(today=timezone.localdate()).sent
