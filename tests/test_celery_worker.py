"""A real Celery worker on a real Redis broker delivers reminders and surveys end to end.

Everything else in the suite runs Celery eagerly; these tests do not. The
planner task is put on Redis as beat would put it, a worker (a thread of this
process, `celery.contrib.testing.worker.start_worker`) plans, claims the rows
in the test database, enqueues the sending on commit, and sends the mail into
Django's locmem outbox — which the thread shares with the test.

The broker is CELERY_TEST_BROKER_URL (default redis://127.0.0.1:6379/15). Each
test uses its own key prefix on it, so two runs of the suite on one Redis
(colleagues, CI) never take each other's messages. Without Redis the tests
skip locally and fail under CI=true (conftest.require).
"""

from __future__ import annotations

import datetime
import importlib
import os
import time
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from conftest import require

pytestmark = [pytest.mark.celery_worker]

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
# With available_apps, the flush after a transactional test does not re-create
# content types (post_migrate), so a later serialized_rollback test can restore
# its snapshot without colliding (see surveys/tests/helpers.py).
ALL_APPS = list(settings.INSTALLED_APPS)
TRANSACTIONAL = pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
WAIT_SECONDS = 60


def _redis_or_skip():
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        require(False, "the redis Python package is not installed")
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        require(False, f"Redis is not reachable at {BROKER_URL} ({error}); set CELERY_TEST_BROKER_URL")
    return client


def _reset_connections(app) -> None:
    # The app caches its connection and producer pools: drop them so the next
    # send uses the broker configured now.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def ensure_seeded() -> None:
    """The five programs and their surveys, as the data migrations leave them
    (a transactional test that ran before flushed them). The seeds are idempotent."""
    from django.apps import apps

    for module in ("programs.migrations.0002_seed_programs", "surveys.migrations.0002_seed_surveys"):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture
def celery_broker(monkeypatch):
    """The project's Celery app pointed at Redis under a key prefix of its own, not eager."""
    from mentorship.config.celery import app

    client = _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # would override app.conf.broker_url
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager", "worker_hijack_root_logger")
    }
    app.conf.update(
        broker_url=BROKER_URL,
        broker_transport_options={"global_keyprefix": prefix, "visibility_timeout": 3600},
        task_always_eager=False,
        worker_hijack_root_logger=False,
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_connections(app)
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def ran_in_worker():
    """The names of the tasks a worker ran (not eagerly, in this thread)."""
    from celery import signals

    names: list[str] = []

    def record(sender=None, task=None, **kwargs):
        if not getattr(task.request, "is_eager", False) and task.request.hostname:
            names.append(task.name.rsplit(".", 1)[-1])

    signals.task_postrun.connect(record, weak=False)
    yield names
    signals.task_postrun.disconnect(record)


@pytest.fixture
def celery_worker(celery_broker, ran_in_worker):
    from celery.contrib.testing.worker import start_worker

    with start_worker(
        celery_broker,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        shutdown_timeout=30,
        loglevel="WARNING",
    ) as worker:
        yield worker
    # The worker's Django fixup closed connections in this thread; start clean.
    connection.close()


def wait_until(condition, *, timeout: float = WAIT_SECONDS, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def settle(count, *, quiet: float = 2.0, timeout: float = WAIT_SECONDS) -> int:
    """Wait until `count()` stops changing for `quiet` seconds; return it."""
    deadline = time.monotonic() + timeout
    last, since = count(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    raise AssertionError(f"still changing after {timeout} s (last {last})")


def checkin_mail() -> list:
    return [m for m in mail.outbox if "Time to check in" in m.subject]


def quiet_aahpm_pair():
    """An AAHPM pair (monthly cadence) that started nine weeks ago for six months and
    never met: due a check-in (and, with its duration recorded, nothing else)."""
    from mentorship.tests.builders import pair_in
    from programs.rules import add_months

    started = timezone.localdate() - datetime.timedelta(days=63)
    return pair_in("aahpm", started, agreed_duration_months=6, planned_end_on=add_months(started, 6))


@TRANSACTIONAL
def test_worker_delivers_a_planned_checkin_reminder_once_though_the_planner_runs_twice(celery_worker, ran_in_worker):
    from mentorship.models import Notification, ReminderDelivery
    from mentorship.tasks import reminders_plan_task

    ensure_seeded()
    pair = quiet_aahpm_pair()

    # Beat's hourly task, twice (a second beat, or the next hour), through Redis.
    reminders_plan_task.delay()
    reminders_plan_task.delay()

    checkins = ReminderDelivery.objects.filter(kind="checkin")
    wait_until(lambda: checkins.count() == 2 and not checkins.filter(sent_at__isnull=True).exists(), what="both check-ins sent")
    settle(lambda: len(mail.outbox))  # a duplicate would arrive now

    sent = checkin_mail()
    assert sorted(m.to[0] for m in sent) == sorted([pair.mentor.email, pair.mentee.email])
    assert all(pair.get_absolute_url() in m.body for m in sent)
    assert checkins.count() == 2 and checkins.filter(sent_at__isnull=False).count() == 2
    assert Notification.objects.filter(subject__startswith="Time to check in").count() == 2

    # A third run, after everything went out, claims and sends nothing.
    reminders_plan_task.delay()
    settle(lambda: len(mail.outbox))
    assert len(checkin_mail()) == 2
    # All of it ran in the worker, off Redis: three plans, and the sends they queued.
    assert ran_in_worker.count("reminders_plan_task") == 3
    assert "reminders_send_task" in ran_in_worker


@TRANSACTIONAL
def test_worker_delivers_the_ky_fit_check_survey_due_at_three_months(celery_worker, ran_in_worker, client):
    from programs.rules import add_months
    from surveys.models import SurveyInvitation
    from surveys.tasks import survey_dispatch_due_task
    from surveys.tests.helpers import pair_in

    ensure_seeded()
    today = timezone.localdate()
    pair = pair_in("ky-connections", add_months(today, -3))  # three months in today

    survey_dispatch_due_task.delay()
    survey_dispatch_due_task.delay()  # the daily task twice: nothing twice

    invitations = SurveyInvitation.objects.filter(mentorship=pair, survey__kind="fit_check")
    wait_until(lambda: len(mail.outbox) >= 2, what="the fit questionnaire's two emails")
    settle(lambda: len(mail.outbox))

    assert invitations.count() == 2 and not invitations.filter(sent_at__isnull=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentor.email, pair.mentee.email])
    by_recipient = {m.to[0]: m for m in mail.outbox}
    for invitation in invitations.select_related("recipient"):
        message = by_recipient[invitation.recipient.email]
        assert "KY" in message.subject
        link = invitation.get_absolute_url()
        assert link in message.body
        # The personal link in the email opens the questionnaire.
        response = client.get(link)
        assert response.status_code == 200
        assert invitation.survey.title in response.content.decode()
    assert ran_in_worker.count("survey_dispatch_due_task") == 2
    assert ran_in_worker.count("notification_email_task") == 2


@TRANSACTIONAL
def test_queued_reminders_lost_with_redis_are_sent_by_the_stale_sweeper(celery_broker, ran_in_worker):
    """Redis restarted without persistence while reminders were queued: the claim
    rows are in the database, a re-plan finds them claimed and queues nothing,
    and `reminders_resend_stale` re-queues them; the worker sends each once."""
    import redis
    from celery.contrib.testing.worker import start_worker

    from mentorship.models import ReminderDelivery
    from mentorship.services import reminders
    from mentorship.tasks import reminders_resend_stale_task

    ensure_seeded()
    quiet_aahpm_pair()
    quiet_aahpm_pair()

    # Planned and queued with no worker running; then the queue is lost.
    assert reminders.reminders_plan()["claimed"] == 4  # here; its sends go to Redis on commit
    rows = ReminderDelivery.objects.filter(kind="checkin")
    assert rows.count() == 4 and rows.filter(sent_at__isnull=True).count() == 4
    client = redis.Redis.from_url(BROKER_URL)
    prefix = celery_broker.conf.broker_transport_options["global_keyprefix"]
    lost = list(client.scan_iter(match=f"{prefix}*"))
    assert lost, "the send tasks should be waiting in Redis"
    client.delete(*lost)  # what a restart without persistence does to them
    client.close()

    # A re-plan finds every reminder already claimed: nothing is queued again.
    assert reminders.reminders_plan()["claimed"] == 0

    ReminderDelivery.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    with start_worker(celery_broker, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        reminders_resend_stale_task.delay()
        wait_until(lambda: not rows.filter(sent_at__isnull=True).exists(), what="the re-queued reminders")
        settle(lambda: len(mail.outbox))
        reminders_resend_stale_task.delay()  # a second sweep finds nothing stale
        settle(lambda: len(mail.outbox))
    connection.close()

    assert len(checkin_mail()) == 4
    assert len({m.to[0] for m in checkin_mail()}) == 4
    assert ran_in_worker.count("reminders_resend_stale_task") == 2
    assert "reminders_send_task" in ran_in_worker
