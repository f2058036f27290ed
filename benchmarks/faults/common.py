"""What the fault scripts share: a database of their own, processes they start
and always stop, countable mail, signed-in sessions and a small HTTP client.

Everything runs on this machine and listens on 127.0.0.1 only. The database is
`mentoring_faults` (FAULTS_DATABASE_URL), never anyone else's: the scripts
empty its people tables before each run, and refuse to if the name does not
say "faults". Redis keys carry the prefix "mentoring-faults:" (settings.py).
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv" / "bin"
PY = str(VENV / "python")
WORK = Path(os.environ.get("FAULTS_WORK", "/tmp/mentoring-faults"))
DATABASE_URL = os.environ.get("FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring_faults")
BROKER_URL = os.environ.get("FAULTS_BROKER_URL", "redis://127.0.0.1:6379/0")
KEY_PREFIX = "mentoring-faults:"
DOMAIN = "faults.example.org"
MAIL_LOG = WORK / "mail.log"

_started = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - _started:6.1f}s] {message}", flush=True)


def verdict(ok: bool, what: str) -> int:
    print(f"\n{'PASS' if ok else 'FAIL'}: {what}", flush=True)
    return 0 if ok else 1


def secret_key() -> str:
    """One key for the script's own Django and every process it starts: a session the
    script signs a client in with must be valid in gunicorn."""
    key_file = WORK / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def env(**overrides) -> dict:
    """The environment of every process a script starts (and of the script's own Django)."""
    values = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "CACHE_URL"))
    }
    values.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="benchmarks.faults.settings",
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=BROKER_URL,
        VAR_DIR=str(WORK / "var"),
        FAULTS_MAIL_LOG=str(MAIL_LOG),
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_SECRET_KEY=secret_key(),
    )
    values.update({k: str(v) for k, v in overrides.items()})
    return values


def production_env(port: int, **overrides) -> dict:
    """gunicorn's environment: production settings (DEBUG off) on plain http, loopback."""
    return env(
        DJANGO_PRODUCTION="true",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(WORK / "static"),
        SITE_URL=f"http://127.0.0.1:{port}",
        **overrides,
    )


# ---------------------------------------------------------------------------
# Processes: started in their own process group, always stopped
# ---------------------------------------------------------------------------


class Processes:
    def __init__(self):
        self.running: dict[str, subprocess.Popen] = {}
        (WORK / "logs").mkdir(parents=True, exist_ok=True)

    def start(self, name: str, argv: list[str], environment: dict) -> subprocess.Popen:
        log = open(WORK / "logs" / f"{name}.log", "ab")
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running[name] = proc
        say(f"started {name} (pid {proc.pid}): {' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv))}")
        return proc

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        proc = self.running.pop(name)
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop(self, name: str) -> None:
        proc = self.running.pop(name, None)
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        say(f"stopped {name}")

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def bounded(seconds: int) -> None:
    """Give the whole script a deadline: SIGALRM raises, and the script's finally stops everything."""

    def expired(signum, frame):
        raise TimeoutError(f"the script ran past its {seconds} s bound")

    signal.signal(signal.SIGALRM, expired)
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt()))
    signal.alarm(seconds)


def worker_argv(name: str, concurrency: int) -> list[str]:
    return [
        str(VENV / "celery"), "-A", "mentorship", "worker", "-P", "prefork", "-c", str(concurrency),
        "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"faults-{name}@%h", "--loglevel=INFO",
    ]


def gunicorn_argv(port: int, workers: int = 3) -> list[str]:
    return [
        str(VENV / "gunicorn"), "mentorship.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "5", "--worker-tmp-dir", "/dev/shm",
        "--access-logfile", "-",
    ]


# ---------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------


def database_name(url: str = None) -> str:
    return urllib.parse.urlsplit(url or DATABASE_URL).path.lstrip("/")


def ensure_database(url: str = None) -> None:
    """Create the faults database if it is missing, and migrate it (quick when up to date)."""
    import psycopg2

    url = url or DATABASE_URL
    name = database_name(url)
    assert "faults" in name, f"refusing to use {name!r}: the fault scripts only touch a database named *faults*"
    admin_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url.replace("postgres://", "postgresql://", 1), connect_timeout=10)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
            say(f"created database {name}")
    conn.close()
    started = time.monotonic()
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env(DATABASE_URL=url), check=True, timeout=600
    )
    say(f"database {name} migrated ({time.monotonic() - started:.0f} s)")


def django_setup(**overrides) -> None:
    """This script's own Django, on the same settings and database as the processes it starts."""
    os.environ.update(env(**overrides))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reset_people() -> None:
    """Empty every table of people (users and all that hangs off them): programs and surveys stay."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    assert "faults" in name, f"refusing to empty {name!r}"
    with connection.cursor() as cur:
        cur.execute("TRUNCATE mentorship_user CASCADE")
        cur.execute("DELETE FROM django_session")


def quiet_pairs(count: int, *, slug: str = "aahpm") -> list:
    """`count` active mentorships, never met: each partner is due a check-in reminder."""
    from mentorship.management.commands.reminders_benchmark import quiet_pairs_create

    return quiet_pairs_create(count, domain=DOMAIN, cohort_name="Fault scripts", slug=slug)


def session_for(user) -> str:
    """A signed-in session for `user`, as a login would leave it: the sessionid cookie's value."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


# ---------------------------------------------------------------------------
# Redis and mail
# ---------------------------------------------------------------------------


def redis_client(url: str = None):
    import redis

    return redis.Redis.from_url(url or BROKER_URL, socket_connect_timeout=3, socket_timeout=10)


def purge_queues(url: str = None) -> int:
    client = redis_client(url)
    keys = list(client.scan_iter(match=f"{KEY_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


def queued_tasks(url: str = None) -> int:
    client = redis_client(url)
    return client.llen(f"{KEY_PREFIX}celery")


def reset_mail_log() -> None:
    MAIL_LOG.parent.mkdir(parents=True, exist_ok=True)
    MAIL_LOG.write_text("")


def mail_lines() -> list[tuple[str, str]]:
    from benchmarks.faults.mail import read_log

    return read_log(MAIL_LOG)


def wait_for(condition, *, timeout: float, every: float = 0.5, what: str = "") -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    say(f"gave up after {timeout:.0f} s waiting for {what}")
    return False


def settle(count, *, quiet: float = 4.0, timeout: float = 120.0) -> int:
    """Wait until count() stops changing for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last, since = count(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


# ---------------------------------------------------------------------------
# HTTP on loopback
# ---------------------------------------------------------------------------


class Browser:
    """One client's keep-alive connection with its cookies; never raises on HTTP errors."""

    def __init__(self, port: int, session: str | None = None, timeout: float = 15.0):
        self.port, self.timeout = port, timeout
        self.csrf = secrets.token_hex(16)  # a CSRF secret of Django's length (32 characters)
        self.cookies = {"csrftoken": self.csrf}
        if session:
            self.cookies["sessionid"] = session
        self.conn = None

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        body, headers = None, {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            form = {**(form or {}), "csrfmiddlewaretoken": self.csrf}
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                return response.status, text, dict(response.getheaders())
            except (http.client.HTTPException, OSError) as error:
                self.close()
                if attempt:
                    return 0, f"{type(error).__name__}: {error}", {}
        return 0, "", {}

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def wait_http(port: int, path: str = "/", timeout: float = 60) -> bool:
    browser = Browser(port, timeout=5)
    ok = wait_for(lambda: browser.request("GET", path)[0] in (200, 302), timeout=timeout, what=f"http://127.0.0.1:{port}{path}")
    browser.close()
    return ok


TRACEBACK_MARKERS = ("Traceback", "File \"/", "OperationalError", "InterfaceError", "psycopg", "django.db", "Exception Value")


def shows_traceback(body: str) -> bool:
    return any(marker in body for marker in TRACEBACK_MARKERS)
