"""Handing work to Celery: by the task's registered name, never by importing it.

The tasks module is the services' caller (a task takes ids, refetches and
calls a service), so a service that imported it back would close a circle.
A task's name is already its public address: beat's schedule and the queued
messages name it. `Task.delay` on the registered task keeps eager mode
(CELERY_TASK_ALWAYS_EAGER) and the app's routing.

MentorshipConfig.ready() imports the tasks module, so every process that
loads Django has the tasks registered.
"""

from celery import current_app
from django.db import transaction

NOTIFICATION_EMAIL = "mentorship.tasks.notification_email_task"
REMINDERS_SEND = "mentorship.tasks.reminders_send_task"


def enqueue(task_name: str, *args) -> None:
    """Queue the task now (the caller has committed what it reads)."""
    current_app.tasks[task_name].delay(*args)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue the task once the current transaction commits; nothing if it rolls back."""
    transaction.on_commit(lambda: enqueue(task_name, *args))
