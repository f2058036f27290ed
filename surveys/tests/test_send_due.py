"""`manage.py send_due` and the beat tasks run the same planner."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command

from mentorship.models import Notification
from surveys import tasks
from surveys.models import SurveyInvitation

from .helpers import at, pair_in

pytestmark = pytest.mark.django_db

D = datetime.date


def send_due(*args) -> str:
    out = StringIO()
    call_command("send_due", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_what_would_go_out_and_writes_nothing():
    mentorship = pair_in("ky-connections", D(2026, 1, 15))

    output = send_due("--date", "2026-04-15", "--dry-run")

    assert "Surveys due on 2026-04-15: 2 new invitation(s)." in output
    assert "KY Connections: “Connections fit questionnaire (three months)” → " in output
    assert mentorship.mentee.email in output and mentorship.mentor.email in output
    assert "Dry run: nothing was written or sent." in output
    assert not SurveyInvitation.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_send_due_sends_and_a_second_run_sends_nothing(django_capture_on_commit_callbacks):
    pair_in("ky-connections", D(2026, 1, 15))

    with at(D(2026, 4, 15)), django_capture_on_commit_callbacks(execute=True):
        first = send_due("--date", "2026-04-15")
        second = send_due("--date", "2026-04-15")

    assert "Sent 2 survey link(s) and 0 reminder(s)." in first
    assert "Sent 0 survey link(s) and 0 reminder(s)." in second
    # (send_due also plans the check-in reminders, which are not this test's.)
    assert len([m for m in mail.outbox if "fit questionnaire" in m.subject]) == 2


def test_send_due_dry_run_lists_reminders(django_capture_on_commit_callbacks):
    mentorship = pair_in("ky-connections", D(2026, 1, 15))
    with at(D(2026, 4, 15)), django_capture_on_commit_callbacks(execute=True):
        send_due("--date", "2026-04-15")

    with at(D(2026, 4, 22)):
        output = send_due("--date", "2026-04-22", "--dry-run")

    assert "Survey reminders: 2." in output
    assert f"reminder 1: KY Connections “Connections fit questionnaire (three months)” → {mentorship.mentee.email}" in output
    assert set(SurveyInvitation.objects.values_list("reminder_count", flat=True)) == {0}


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        send_due("--date", "15/04/2026")


def test_beat_runs_the_planner_and_the_reminders_daily():
    schedule = settings.CELERY_BEAT_SCHEDULE
    entries = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    for task in ("surveys.tasks.survey_dispatch_due_task", "surveys.tasks.survey_reminders_send_task"):
        assert task in entries
        crontab = entries[task]
        assert crontab.day_of_week == set(range(7)) and len(crontab.hour) == 1 and len(crontab.minute) == 1


def test_the_beat_tasks_plan_for_today(django_capture_on_commit_callbacks):
    pair_in("ky-connections", D(2026, 1, 15))

    with at(D(2026, 4, 15)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.survey_dispatch_due_task.delay().get() == 2
        assert tasks.survey_dispatch_due_task.delay().get() == 0
    with at(D(2026, 4, 22)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.survey_reminders_send_task.delay().get() == 2
    assert len(mail.outbox) == 4
