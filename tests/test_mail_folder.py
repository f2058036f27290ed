"""Where mail goes by default: files under VAR_DIR/mail, whatever the working
directory. django-environ drops the leading slash of a ``filemail://`` path, so
the old default wrote mail to ``<cwd>/<the var folder's path without its slash>``.

Each case starts Django in a fresh process, from a working directory that is
not the clone, sends one message and looks for the file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

SEND = (
    "import django; django.setup(); from django.conf import settings; "
    "from django.core.mail import send_mail; "
    "send_mail('Hello', 'Body', 'from@example.org', ['to@example.org']); "
    "print(settings.EMAIL_FILE_PATH)"
)


def send_one(cwd: Path, **env_overrides) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "VAR_DIR"))}
    env.update(DJANGO_SETTINGS_MODULE="mentorship.config.settings", PYTHONPATH=str(BASE_DIR))
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", SEND], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def mail_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.log")) if folder.is_dir() else []


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    cwd = tmp_path / "somewhere" / "else"
    cwd.mkdir(parents=True)
    return cwd


def test_by_default_mail_is_under_var_dir_mail_from_any_working_directory(tmp_path, elsewhere):
    var = tmp_path / "var"
    folder = send_one(elsewhere, VAR_DIR=str(var))
    assert folder == var / "mail"
    assert len(mail_in(var / "mail")) == 1
    # Nothing was written under the working directory.
    assert list(elsewhere.rglob("*")) == []


def test_without_var_dir_mail_is_under_the_clones_var_mail(elsewhere):
    folder = send_one(elsewhere)
    assert folder == BASE_DIR / "var" / "mail"
    assert list(elsewhere.rglob("*")) == []


def test_an_absolute_filemail_path_stays_absolute(tmp_path, elsewhere):
    outbox = tmp_path / "outbox"
    folder = send_one(elsewhere, VAR_DIR=str(tmp_path / "var"), EMAIL_URL=f"filemail://{outbox}")
    assert folder == outbox
    assert len(mail_in(outbox)) == 1
    assert list(elsewhere.rglob("*")) == []


def test_a_relative_filemail_path_is_under_var_dir(tmp_path, elsewhere):
    var = tmp_path / "var"
    folder = send_one(elsewhere, VAR_DIR=str(var), EMAIL_URL="filemail://outbox")
    assert folder == var / "outbox"
    assert len(mail_in(var / "outbox")) == 1
