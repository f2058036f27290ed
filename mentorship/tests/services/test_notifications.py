"""services/notifications.py: one sender and one frequency rule for every email.

Before, a notification email checked only "off" and the reminders checked "off"
and "weekly": a person who chose "at most weekly" got a reminder and a
notification email in the same week.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail

from mentorship import services
from mentorship.models import EmailFrequency, Notification, ReminderDelivery
from mentorship.tests.builders import pair_in
from mentorship.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 3, 9, 9, tzinfo=TZ)


def person(frequency: str):
    user = UserFactory()
    user.profile.email_frequency = frequency
    user.profile.save()
    return user


def notified(user, *, essential: bool, django_capture_on_commit_callbacks, when=MONDAY) -> Notification:
    with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
        return services.notify(user=user, subject="Your partner logged a meeting", body="b", essential=essential)


def test_weekly_after_a_reminder_this_week_a_non_essential_notification_is_shown_not_emailed(
    django_capture_on_commit_callbacks,
):
    user = person(EmailFrequency.WEEKLY)
    ReminderDelivery.objects.create(
        user=user, kind="checkin", key="k", period="p", subject="s", body="b", claim="c",
        created_at=MONDAY - datetime.timedelta(days=2), sent_at=MONDAY - datetime.timedelta(days=2),
    )  # fmt: skip

    notification = notified(user, essential=False, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.email_skipped and notification.read_at is None  # on the site, unread


def test_weekly_after_a_notification_email_this_week_a_checkin_reminder_is_skipped(django_capture_on_commit_callbacks):
    pair = pair_in("aahpm", datetime.date(2026, 1, 5))
    mentee = pair.mentee
    mentee.profile.email_frequency = EmailFrequency.WEEKLY
    mentee.profile.save()
    notified(
        mentee, essential=False, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        when=MONDAY - datetime.timedelta(days=3),
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [[mentee.email]]

    with time_machine.travel(MONDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.reminders.reminders_plan()

    checkins = [m for m in mail.outbox if "Time to check in" in m.subject]
    assert [m.to[0] for m in checkins] == [pair.mentor.email]
    assert ReminderDelivery.objects.get(user=mentee, kind="checkin").skipped


def test_weekly_gets_one_non_essential_email_when_none_went_out_this_week(django_capture_on_commit_callbacks):
    user = person(EmailFrequency.WEEKLY)
    notified(
        user, essential=False, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        when=MONDAY - datetime.timedelta(days=8),
    )  # fmt: skip

    notified(user, essential=False, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2


@pytest.mark.parametrize("frequency", [EmailFrequency.OFF, EmailFrequency.WEEKLY, EmailFrequency.IMMEDIATE])
def test_essential_mail_always_goes_without_an_unsubscribe_link(frequency, django_capture_on_commit_callbacks):
    user = person(frequency)
    ReminderDelivery.objects.create(
        user=user, kind="checkin", key="k", period="p", subject="s", body="b", claim="c",
        created_at=MONDAY, sent_at=MONDAY - datetime.timedelta(hours=1),
    )  # fmt: skip

    notified(user, essential=True, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers
    assert "stop them" not in message.body


def test_non_essential_mail_carries_the_unsubscribe_link_and_header(django_capture_on_commit_callbacks):
    user = person(EmailFrequency.IMMEDIATE)

    notified(user, essential=False, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject == "[Mentoring] Your partner logged a meeting"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body and "/email/unsubscribe/" in link


def test_off_shows_non_essential_notifications_on_the_site_only(django_capture_on_commit_callbacks):
    user = person(EmailFrequency.OFF)

    notification = notified(user, essential=False, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.email_skipped and notification.emailed_at is not None  # claimed: never swept up again
