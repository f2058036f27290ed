"""Check-in, meeting and event reminders and the coordinators' digest: on each
program's cadence, exactly once, honouring email frequency."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from icalendar import Calendar

from mentorship import services
from mentorship.models import EmailFrequency, MeetingKind, MeetingStatus, ReminderDelivery
from programs.tests.factories import CoordinatorFactory

from .builders import at, met, pair_in

pytestmark = pytest.mark.django_db


def plan(when, **kwargs):
    with time_machine.travel(when, tick=False):
        counts = services.reminders.reminders_plan(**kwargs)
    return counts


def run(when, django_capture_on_commit_callbacks):
    # The sending runs on commit, still at the travelled-to time.
    with time_machine.travel(when, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders.reminders_plan()


def aahpm_pair():
    """An AAHPM pair started on 5 January that recorded six months at its discovery
    call (a pair without an agreed duration is also asked monthly to record it)."""
    return pair_in(
        "aahpm", datetime.date(2026, 1, 5), agreed_duration_months=6, planned_end_on=datetime.date(2026, 7, 5)
    )


def checkin_mail():
    return [m for m in mail.outbox if "Time to check in" in m.subject]


def test_a_quiet_ky_pair_is_nudged_with_its_last_meeting_and_minutes(django_capture_on_commit_callbacks):
    pair = pair_in("ky-connections", datetime.date(2026, 1, 5))
    met(pair, at(2026, 2, 2), minutes=45)

    run(at(2026, 3, 9), django_capture_on_commit_callbacks)  # 35 days quiet

    sent = checkin_mail()
    assert sorted(m.to[0] for m in sent) == sorted([pair.mentor.email, pair.mentee.email])
    body = sent[0].body
    assert "2 Feb 2026" in body  # when they last met
    assert "0 of the 60 minutes" in body and "60 to go" in body
    assert "List-Unsubscribe" in sent[0].extra_headers


def test_a_pair_that_met_recently_gets_nothing(django_capture_on_commit_callbacks):
    pair = pair_in("ky-connections", datetime.date(2026, 1, 5))
    met(pair, at(2026, 3, 2), minutes=60)

    run(at(2026, 3, 9), django_capture_on_commit_callbacks)

    assert checkin_mail() == []


def test_quarterly_cadence_is_not_due_after_35_days_but_is_near_three_months(django_capture_on_commit_callbacks):
    pair = pair_in("hpmsnj", datetime.date(2026, 1, 5))
    met(pair, at(2026, 2, 2), minutes=60)

    run(at(2026, 3, 9), django_capture_on_commit_callbacks)
    assert checkin_mail() == []

    run(at(2026, 4, 28), django_capture_on_commit_callbacks)  # the quarter ends 2 May
    assert len(checkin_mail()) == 2


def test_programs_without_a_cadence_send_no_checkin(django_capture_on_commit_callbacks):
    pair = pair_in("wtap", datetime.date(2026, 1, 5))  # frequency set in the agreement, none signed
    run(at(2026, 6, 1), django_capture_on_commit_callbacks)
    assert all(pair.mentee.email not in m.to for m in checkin_mail())


def test_the_planner_run_three_times_sends_each_reminder_once(django_capture_on_commit_callbacks):
    aahpm_pair()
    for _ in range(3):
        run(at(2026, 3, 9), django_capture_on_commit_callbacks)
    assert len(checkin_mail()) == 2
    assert ReminderDelivery.objects.filter(kind="checkin").count() == 2


def test_a_rolled_back_plan_enqueues_nothing(django_capture_on_commit_callbacks):
    aahpm_pair()

    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Abort):
            with transaction.atomic():
                plan(at(2026, 3, 9))
                raise Abort
    assert callbacks == [] and checkin_mail() == []
    assert not ReminderDelivery.objects.exists()


def test_email_frequency_off_skips_non_essential_mail(django_capture_on_commit_callbacks):
    pair = aahpm_pair()
    pair.mentee.profile.email_frequency = EmailFrequency.OFF
    pair.mentee.profile.save()

    run(at(2026, 3, 9), django_capture_on_commit_callbacks)

    assert [m.to[0] for m in checkin_mail()] == [pair.mentor.email]
    assert ReminderDelivery.objects.get(user=pair.mentee).skipped


def test_weekly_frequency_sends_at_most_one_non_essential_mail_a_week(django_capture_on_commit_callbacks):
    pair = aahpm_pair()
    pair.mentee.profile.email_frequency = EmailFrequency.WEEKLY
    pair.mentee.profile.save()
    ReminderDelivery.objects.create(
        user=pair.mentee, kind="digest", key="x", period="earlier", subject="s", body="b", claim="c",
        created_at=at(2026, 3, 6), sent_at=at(2026, 3, 6),
    )
    run(at(2026, 3, 9), django_capture_on_commit_callbacks)
    assert pair.mentee.email not in [m.to[0] for m in checkin_mail()]


def test_meeting_reminder_a_day_before_with_the_ics(django_capture_on_commit_callbacks):
    pair = aahpm_pair()
    meeting = met(pair, at(2026, 3, 10, 15), minutes=45, kind=MeetingKind.DISCOVERY, status=MeetingStatus.SCHEDULED)

    run(at(2026, 3, 9, 16), django_capture_on_commit_callbacks)

    sent = [m for m in mail.outbox if m.subject.startswith("[Mentoring] Tomorrow")]
    assert len(sent) == 2
    name, content, mimetype = sent[0].attachments[0]
    assert mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid
    assert "List-Unsubscribe" not in sent[0].extra_headers  # essential


def test_unsubscribe_link_sets_frequency_and_tampering_is_refused(client):
    pair = aahpm_pair()
    token = services.unsubscribe_token(pair.mentee.pk)

    assert client.get(f"/email/unsubscribe/{token}/").status_code == 200
    client.post(f"/email/unsubscribe/{token}/", {"frequency": "weekly"})
    pair.mentee.profile.refresh_from_db()
    assert pair.mentee.profile.email_frequency == EmailFrequency.WEEKLY

    client.post(f"/email/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    pair.mentee.profile.refresh_from_db()
    assert pair.mentee.profile.email_frequency == EmailFrequency.OFF

    assert client.get(f"/email/unsubscribe/{token}x/").status_code == 404


def test_monday_digest_to_coordinators_lists_overdue_pairs(django_capture_on_commit_callbacks):
    pair = pair_in("ky-connections", datetime.date(2026, 1, 5))
    coordinator = CoordinatorFactory(program=pair.program).user

    run(at(2026, 3, 10), django_capture_on_commit_callbacks)  # a Tuesday
    assert not [m for m in mail.outbox if "digest" in m.subject]

    run(at(2026, 3, 16), django_capture_on_commit_callbacks)  # Monday
    digests = [m for m in mail.outbox if "digest" in m.subject]
    assert [m.to[0] for m in digests] == [coordinator.email]
    assert "1 pair overdue or at risk" in digests[0].body
    assert pair.mentee.display_name in digests[0].body


def test_event_reminders_reach_participants_once(django_capture_on_commit_callbacks):
    from programs.models import Event

    pair = pair_in("ky-connections", datetime.date(2026, 1, 5))
    event = Event.objects.create(
        program=pair.program, cohort=pair.cohort, kind="social", title="Connections social",
        starts_at=at(2026, 4, 15, 17), ends_at=at(2026, 4, 15, 19),
    )
    for _ in range(2):
        run(at(2026, 4, 14, 18), django_capture_on_commit_callbacks)
    sent = [m for m in mail.outbox if "Connections social" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted([pair.mentor.email, pair.mentee.email])
    assert event.get_absolute_url() in sent[0].body


def test_dry_run_writes_nothing():
    aahpm_pair()
    counts = plan(at(2026, 3, 9), dry_run=True)
    assert counts["planned"] == 2 and len(counts["preview"]) == 2
    assert not ReminderDelivery.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_planners_claim_each_reminder_once():
    aahpm_pair()
    pair_in("ky-connections", datetime.date(2026, 1, 5))
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            with time_machine.travel(at(2026, 3, 9), tick=False):
                services.reminders.reminders_plan()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ReminderDelivery.objects.filter(kind="checkin").count() == 4
    assert len(checkin_mail()) == 4


def test_send_due_runs_the_same_planner_for_a_date(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    aahpm_pair()
    out = StringIO()
    call_command("send_due", "--date", "2026-03-09", "--dry-run", stdout=out)
    assert "Reminders due on 2026-03-09: 2 planned" in out.getvalue()
    assert not ReminderDelivery.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due", "--date", "2026-03-09", stdout=StringIO())
    assert ReminderDelivery.objects.filter(kind="checkin").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due", "--date", "2026-03-09", stdout=StringIO())
    assert ReminderDelivery.objects.filter(kind="checkin").count() == 2


def test_a_claim_takes_only_the_rows_not_claimed_before():
    pair = aahpm_pair()
    now = at(2026, 3, 9)

    def planned(period):
        return services.reminders.Planned(
            user_id=pair.mentor_id, kind="checkin", key=f"mentorship:{pair.pk}", period=period, subject="s", body="b"
        )

    first = services.reminders._claim([planned("2026-03-01")], now=now)
    second = services.reminders._claim([planned("2026-03-01"), planned("2026-04-01"), planned("2026-04-01")], now=now)

    assert len(first) == 1 and len(second) == 1 and first != second
    row = ReminderDelivery.objects.get(pk=second[0])
    assert (row.period, row.created_at, row.sent_at, row.skipped) == ("2026-04-01", now, None, False)


def test_the_reminders_benchmark_plans_every_pair_once():
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("reminders_benchmark", mentorships=30, as_json=True, stdout=out)
    figures = json.loads(out.getvalue())

    assert figures["created_now"] == 30
    assert figures["claimed"] == 60  # both partners of each quiet pair
    assert figures["second_run_claimed"] == 0
    assert ReminderDelivery.objects.filter(kind="checkin").count() == 60
