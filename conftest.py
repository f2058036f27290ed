"""Project-wide pytest set-up.

Tests run on SQLite by default and on PostgreSQL when DATABASE_URL says so.
Browser and Celery-worker tests skip when Chromium or Redis is missing, except
under CI=true, where a skip would hide a missing service and fails instead.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail in CI: CI must run what it claims to run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests travel months in time while signed in; the idle sign-out (AC-11)
    # is on only in its own tests (security/tests/test_idle_timeout.py).
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from mentorship.config.celery import app

    app.conf.task_always_eager = True
    _reopen_celery_pools(app)
    yield


def _reopen_celery_pools(app) -> None:
    """A test that ran a real worker closes connection pools when the worker
    stops, and kombu keeps closed pools in its global registry; even eager
    tasks take a producer from them (Celery 5.7). Every test starts with fresh
    pools, so no test depends on what an earlier one left behind."""
    from kombu import pools

    pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps rate-limit counters in the cache; each test starts clean.
    from django.core.cache import cache

    cache.clear()
    yield
