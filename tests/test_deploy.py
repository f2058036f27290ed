"""The production posture: `check --deploy` is clean, and a missing secret stops the start."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def random_key(length: int = 50) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def manage(tmp_path, *args, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="mentorship.config.settings")
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# A shared cache, as bin/run-prod sets: check --deploy only reads the URL.
PRODUCTION = {"DJANGO_PRODUCTION": "true", "DJANGO_ALLOWED_HOSTS": "example.org", "CACHE_URL": "redis://127.0.0.1:6379/1"}


def test_check_deploy_is_clean_in_production(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_SECRET_KEY=random_key())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_a_secret_key(tmp_path, secret):
    result = manage(tmp_path, "check", **PRODUCTION, DJANGO_SECRET_KEY=secret)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "overrides",
    [
        {"DJANGO_SECRET_KEY": "short-key"},
        {"DJANGO_SECRET_KEY": random_key(), "DJANGO_DEBUG": "true"},
        {"DJANGO_SECRET_KEY": random_key(), "DJANGO_SECURE_HSTS_SECONDS": "0"},
        {"DJANGO_SECRET_KEY": random_key(), "CACHE_URL": "locmemcache://"},
    ],
    ids=["weak-key", "debug-on", "no-hsts", "per-process-cache"],
)
def test_check_deploy_catches_a_weakened_production(tmp_path, overrides):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, **overrides})

    assert result.returncode != 0


def test_development_needs_no_configuration(tmp_path):
    result = manage(tmp_path, "check")

    assert result.returncode == 0, result.stderr
    # The generated development key is kept for the next start.
    assert (tmp_path / "var" / "secret_key").read_text().strip()
