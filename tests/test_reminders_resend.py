"""The stale sweeper: claimed reminders (and notification emails) whose queue
message was lost — Redis restarted without persistence — go out once anyway.

The real-broker version (a worker, Redis keys deleted) is in
tests/test_celery_worker.py; these run eagerly, on any database.
"""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from mentorship import services
from mentorship.config.celery import app
from mentorship.models import Notification, ReminderDelivery
from mentorship.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MINUTES = datetime.timedelta(minutes=1)


def claimed(user, *, age: datetime.timedelta, key: str = "mentorship:1", **fields) -> ReminderDelivery:
    """A row as the planner leaves it after claiming, `age` ago; its task never ran."""
    return ReminderDelivery.objects.create(
        user=user, kind="checkin", key=key, period="2026-03-01", subject=f"Time to check in ({key})", body="b",
        url="/", claim="lost", created_at=timezone.now() - age, **fields,
    )


def notification(user, *, age: datetime.timedelta, **fields) -> Notification:
    row = Notification.objects.create(user=user, subject="Your survey", body="b", url="/surveys/", **fields)
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row


def test_a_claimed_reminder_lost_with_its_message_is_sent_once():
    person = UserFactory()
    lost = claimed(person, age=45 * MINUTES)

    assert services.reminders.reminders_resend_stale() == {"reminders": 1, "notifications": 0}
    assert services.reminders.reminders_resend_stale() == {"reminders": 0, "notifications": 0}

    lost.refresh_from_db()
    assert lost.sent_at is not None
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_only_rows_claimed_between_half_an_hour_and_six_hours_ago_are_queued_again():
    person = UserFactory()
    claimed(person, age=10 * MINUTES, key="young")  # perhaps still waiting in a busy queue
    claimed(person, age=7 * 60 * MINUTES, key="old")  # a day-ahead reminder this late would mislead
    claimed(person, age=60 * MINUTES, key="sent", sent_at=timezone.now())
    claimed(person, age=60 * MINUTES, key="skipped", skipped=True)  # the person chose fewer emails
    due = claimed(person, age=60 * MINUTES, key="due")

    assert services.reminders.reminders_resend_stale()["reminders"] == 1
    assert [m.subject for m in mail.outbox] == [f"[Mentoring] {due.subject}"]


def test_a_row_queued_twice_is_still_sent_once():
    """The sweep cannot tell a lost message from a late one: both tasks run, one sends."""
    person = UserFactory()
    row = claimed(person, age=45 * MINUTES)

    services.reminders.reminders_resend_stale()
    assert services.reminders.reminders_send(delivery_ids=[row.pk]) == 0  # the original message, arriving late
    assert len(mail.outbox) == 1


def test_notification_emails_lost_with_their_message_are_sent_once():
    person = UserFactory()
    lost = notification(person, age=45 * MINUTES)
    notification(person, age=5 * MINUTES)  # just created; its task is on its way
    notification(person, age=45 * MINUTES, emailed_at=timezone.now())

    assert services.reminders.reminders_resend_stale() == {"reminders": 0, "notifications": 1}
    services.reminders.reminders_resend_stale()

    lost.refresh_from_db()
    assert lost.emailed_at is not None
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_beat_runs_the_sweeper_every_half_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-resend-stale"]
    app.loader.import_default_modules()  # as a worker does at start: the autodiscovered task modules
    assert entry["task"] in app.tasks
    assert entry["schedule"].minute == {10, 40}
