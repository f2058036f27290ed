"""Services queue tasks by name (services/queue.py): each name is a registered task."""

import pytest
from celery import current_app

from mentorship.services import queue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", [queue.NOTIFICATION_EMAIL, queue.REMINDERS_SEND])
def test_every_queued_name_is_a_registered_task(name):
    assert name in current_app.tasks


def test_a_task_queued_in_a_transaction_that_rolls_back_never_runs(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue.enqueue_on_commit(queue.REMINDERS_SEND, [])
    assert len(callbacks) == 1  # held until commit; a rollback drops it
