"""A real Celery worker on a real Redis delivers a survey end to end.

Beat's task is queued on Redis; a worker process runs the planner against the
test database, the planner's notification task goes back through Redis, and
the worker sends the email (written to a folder by the filemail backend). The
emailed link opens the survey. Skipped without redis-server (failed in CI).
"""

import email.parser
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import pools

import conftest as root_conftest
from programs.rules import add_months
from surveys.models import SurveyInvitation

from .helpers import ALL_APPS, ensure_seeded, pair_in

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

BASE_DIR = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    root_conftest.require(server is not None, "redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: _port_open(port), 10, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _test_database_url() -> str:
    """The URL of the database this test runs on, SQLite or PostgreSQL, for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _reset_connections(app) -> None:
    # The connection and producer pools were made for the old broker URL; even
    # eager tasks take a producer from them. kombu's reset closes every pool
    # and forgets it, so the next task makes fresh ones for the current URL.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(redis_url, tmp_path, settings):
    """A worker process on the test database, and this process's Celery pointed at the same Redis."""
    from mentorship.config.celery import app

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # django-environ drops one leading slash: four make an absolute path.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        # The personal link is signed: the worker must sign with the same key.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
    }
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mentorship", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    _reset_connections(app)
    try:
        yield mail_dir
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = old
        _reset_connections(app)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait()
        log.close()
        # Shown by pytest when the test fails.
        print((tmp_path / "worker.log").read_text()[-5000:])


def test_a_worker_sends_the_fit_questionnaire_from_the_beat_task(worker, client):
    from surveys.tasks import survey_dispatch_due_task

    ensure_seeded()
    today = timezone.localdate()
    mentorship = pair_in("ky-connections", add_months(today, -3))

    survey_dispatch_due_task.delay()

    def two_emails():
        found = _messages(worker)
        return found if len(found) >= 2 else None

    messages = _wait_for(two_emails, 60, "two emails from the worker")
    assert sorted(m["To"] for m in messages) == sorted([mentorship.mentor.email, mentorship.mentee.email])
    assert {m["Subject"] for m in messages} == {"[Mentoring] Please answer: KY Connections fit questionnaire (three months)"}
    assert SurveyInvitation.objects.filter(mentorship=mentorship, sent_at__isnull=False).count() == 2

    invitation = SurveyInvitation.objects.get(mentorship=mentorship, role="mentee")
    (to_mentee,) = [m for m in messages if m["To"] == mentorship.mentee.email]
    assert invitation.get_absolute_url() in to_mentee.get_content()
    assert client.get(invitation.get_absolute_url()).status_code == 200

    # The same beat task again: nothing new goes out.
    survey_dispatch_due_task.delay()
    time.sleep(3)
    assert len(_messages(worker)) == 2
    assert SurveyInvitation.objects.filter(mentorship=mentorship).count() == 2


def _messages(mail_dir: Path) -> list:
    """The emails Django's file backend wrote: one or more per file, separated by a line of dashes."""
    parser = email.parser.Parser(policy=email.policy.default)
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(parser.parsestr(chunk.strip("\n")))
    return found
