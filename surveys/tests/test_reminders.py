"""Reminders to non-responders 7 and 14 days after the link went out, each once."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from surveys import services
from surveys.models import SurveyInvitation

from .helpers import ALL_APPS, at, ensure_seeded, pair_in, seeded_survey

pytestmark = pytest.mark.django_db

D = datetime.date
SENT_ON = D(2026, 4, 15)


@pytest.fixture
def sent(dispatch):
    """KY's fit check, sent to both partners on 15 April."""
    mentorship = pair_in("ky-connections", D(2026, 1, 15))
    dispatch(SENT_ON)
    mail.outbox.clear()
    return mentorship


def reminders_to(user):
    return [m for m in mail.outbox if m.to == [user.email] and m.subject.startswith("[Mentoring] Reminder:")]


def test_reminders_go_after_7_and_14_days_each_exactly_once(sent, remind):
    for day in range(16, 22):  # 16–21 April: less than a week
        remind(D(2026, 4, day))
    assert mail.outbox == []

    for _ in range(3):
        remind(D(2026, 4, 22))
    assert len(reminders_to(sent.mentee)) == 1
    assert len(reminders_to(sent.mentor)) == 1
    assert set(SurveyInvitation.objects.values_list("reminder_count", flat=True)) == {1}

    for day in range(23, 29):
        remind(D(2026, 4, day))
    assert len(mail.outbox) == 2

    for _ in range(3):
        remind(D(2026, 4, 29))
    assert len(reminders_to(sent.mentee)) == 2
    assert set(SurveyInvitation.objects.values_list("reminder_count", flat=True)) == {2}

    for day in range(30, 31):
        remind(D(2026, 4, day))
    remind(D(2026, 6, 1))
    assert len(mail.outbox) == 4
    assert "Connections fit questionnaire" in reminders_to(sent.mentee)[0].body


def test_people_who_answered_get_no_reminder(sent, remind):
    answered = SurveyInvitation.objects.get(recipient=sent.mentee)
    answered.completed_at = answered.sent_at
    answered.save()

    remind(D(2026, 4, 22))
    remind(D(2026, 4, 29))

    assert reminders_to(sent.mentee) == []
    assert len(reminders_to(sent.mentor)) == 2


def test_a_planner_that_missed_a_week_sends_one_reminder_not_two(sent, remind):
    remind(D(2026, 5, 1))  # 16 days after: only the 14-day reminder

    assert len(reminders_to(sent.mentee)) == 1
    assert SurveyInvitation.objects.get(recipient=sent.mentee).reminder_count == 2


def test_a_draft_reminder_says_so_and_carries_the_same_personal_link(sent, remind):
    invitation = SurveyInvitation.objects.get(recipient=sent.mentee)
    invitation.draft_saved_at = invitation.sent_at
    invitation.save()

    remind(D(2026, 4, 22))

    (message,) = reminders_to(sent.mentee)
    assert "saved a draft" in message.body
    assert invitation.get_absolute_url() in message.body


def test_inactive_surveys_are_not_reminded(sent, remind):
    survey = seeded_survey("ky-connections", "fit_check")
    survey.active = False
    survey.save()

    remind(D(2026, 4, 22))

    assert mail.outbox == []


def test_reminder_dry_run_writes_nothing(sent, remind):
    result = remind(D(2026, 4, 22), dry_run=True)

    assert sorted(inv.recipient_id for inv, _ in result.planned) == sorted([sent.mentor_id, sent.mentee_id])
    assert {n for _, n in result.planned} == {1}
    assert mail.outbox == []
    assert set(SurveyInvitation.objects.values_list("reminder_count", flat=True)) == {0}


@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_concurrent_reminder_runs_send_each_reminder_once():
    ensure_seeded()
    pairs = [pair_in("ky-connections", D(2026, 1, 15)) for _ in range(4)]
    with at(SENT_ON):
        services.survey_dispatch_due(today=SENT_ON)
    mail.outbox.clear()
    day = D(2026, 4, 22)
    start = threading.Barrier(4)
    errors = []

    def run():
        try:
            start.wait()
            services.survey_reminders_send(today=day)
        except Exception as error:  # pragma: no cover
            errors.append(error)
        finally:
            connection.close()

    with at(day):
        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert len(mail.outbox) == 8
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e for p in pairs for e in (p.mentor.email, p.mentee.email))
