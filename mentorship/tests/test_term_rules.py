"""The rules of a mentorship's term, one by one: the program ends a pair only when
its time is up; an end caught up late tells the pair on the site; an end cancels
the meetings still to come; AAHPM pairs without a duration are nudged monthly and
listed in the digest after 60 days; a fit check is not reminded after the end;
a freed mentor shows free at once; ended pairs show as ended, with the reason and
the date, on the dashboards and in the exports, and KY's figures stay with the
program year they belong to."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from api.selectors import completion_report
from mentorship import services
from mentorship.models import MeetingMode, MeetingStatus, MentorshipState, Notification, ReminderDelivery
from mentorship.reports.dashboard import program_dashboards
from programs.models import Enrollment
from surveys import services as survey_services
from surveys.models import SurveyInvitation, SurveyKind

from .builders import at, cohort_for, coordinator_of, invite, mentee_in, mentor_in, met, pair, pair_in, refused

pytestmark = pytest.mark.django_db

D = datetime.date


def travel(day: D, hour: int = 9):
    return time_machine.travel(at(day.year, day.month, day.day, hour), tick=False)


def send_due(day: D, capture) -> list:
    mail.outbox.clear()
    with travel(day), capture(execute=True):
        call_command("send_due", date=day, stdout=io.StringIO())
    return list(mail.outbox)


def test_the_program_ends_a_pair_only_when_its_time_is_up():
    m = pair_in("hpmsnj", D(2026, 1, 12), cohort_days=900, planned_end_on=D(2027, 1, 12))
    reason = services.PLANNED_END_REACHED
    for day in (D(2027, 1, 11), D(2027, 1, 12), D(2027, 1, 25)):  # HPMSNJ keeps an unanswered pair 14 days
        with refused(services.END_NOT_DUE):
            services.mentorship_end(mentorship=m, by=None, reason=reason, completed=True, today=day)
    aahpm = pair_in("aahpm", D(2026, 1, 12))  # no agreed duration: no planned end, nothing ends it
    with refused(services.END_NOT_DUE):
        services.mentorship_end(mentorship=aahpm, by=None, reason=reason, completed=True, today=D(2030, 1, 1))
    ended = services.mentorship_end(mentorship=m, by=None, reason=reason, completed=True, today=D(2027, 2, 1))
    assert (ended.state, ended.ended_on, ended.ended_by) == (MentorshipState.COMPLETED, D(2027, 1, 26), None)
    with refused(services.MENTORSHIP_NOT_ACTIVE):
        services.mentorship_end(mentorship=m, by=None, reason=reason, completed=True, today=D(2027, 2, 1))


def test_a_ky_pair_first_seen_in_the_new_year_gets_only_its_evaluation(django_capture_on_commit_callbacks):
    """The issue's case: a pair of this year's cohort, and send_due run for days of
    the new year only (beat was not running at the year's end)."""
    m = pair_in("ky-connections", D(2026, 12, 14), planned_end_on=D(2026, 12, 31))
    pair_mail = lambda got: sorted(
        (msg.to[0], msg.subject) for msg in got if msg.to[0] in (m.mentor.email, m.mentee.email)
    )
    january = pair_mail(send_due(D(2027, 1, 13), django_capture_on_commit_callbacks))
    assert [subject for _, subject in january] == [
        "[Mentoring] Please answer: KY Connections evaluation form (one year)"
    ] * 2
    march = pair_mail(send_due(D(2027, 3, 14), django_capture_on_commit_callbacks))
    assert all("Reminder: KY Connections evaluation form" in subject for _, subject in march), march
    m.refresh_from_db()
    assert (m.state, m.ended_on, m.end_reason) == (
        MentorshipState.COMPLETED,
        D(2026, 12, 31),
        services.PROGRAM_YEAR_ENDED,
    )
    # Told on the site (the end was past when it was found), not by a mail two weeks late.
    told = Notification.objects.filter(user__in=[m.mentor, m.mentee], subject__contains="has ended")
    assert told.count() == 2 and all(n.email_skipped for n in told)
    assert not SurveyInvitation.objects.filter(mentorship=m, survey__kind=SurveyKind.FIT_CHECK).exists()


def test_a_partners_end_cancels_the_meetings_still_to_come_and_says_so():
    with travel(D(2026, 5, 4)):
        m = pair_in("wtap", D(2026, 1, 12), cohort_days=1500, planned_end_on=D(2029, 1, 12))
        later = services.meeting_schedule(
            mentorship=m, by=m.mentor, starts_at=at(2026, 5, 20, 15), duration_minutes=60, mode=MeetingMode.PHONE
        )
        services.mentorship_end(mentorship=m, by=m.mentee, reason="No longer working for either of us.")
    later.refresh_from_db()
    assert later.status == MeetingStatus.CANCELLED and later.last_change_notice_hours is None
    told = Notification.objects.get(user=m.mentor, subject__contains="has ended")
    assert "Cancelled with it: check-in on 20 May 2026" in told.body


def test_aahpm_pairs_without_a_duration_are_nudged_monthly_and_in_the_digest_after_60_days(
    django_capture_on_commit_callbacks,
):
    m = pair_in("aahpm", D(2026, 1, 5))
    coordinator = coordinator_of(m.program)
    day = D(2026, 1, 5)
    while day <= D(2026, 3, 10):
        with travel(day), django_capture_on_commit_callbacks(execute=True):
            services.reminders.reminders_plan()
        day += datetime.timedelta(days=1)
    nudges = ReminderDelivery.objects.filter(kind="duration", key=f"mentorship:{m.pk}")
    assert sorted(nudges.values_list("user_id", "period")) == sorted(
        (person, period) for person in (m.mentor_id, m.mentee_id) for period in ("2026-02-05", "2026-03-05")
    )
    digests = {d.period: d.body for d in ReminderDelivery.objects.filter(kind="digest", user=coordinator)}
    assert "without an agreed duration" not in digests["2026-W10"]  # Monday 2 March: 56 days
    assert "1 pair without an agreed duration after 60 days" in digests["2026-W11"]  # Monday 9 March: 63 days
    assert m.mentee.display_name in digests["2026-W11"]


def test_a_fit_check_sent_while_live_is_not_reminded_once_the_pair_has_ended(django_capture_on_commit_callbacks):
    m = pair_in("ky-connections", D(2026, 1, 5), planned_end_on=D(2026, 12, 31))
    coordinator = coordinator_of(m.program)
    with travel(D(2026, 4, 5)), django_capture_on_commit_callbacks(execute=True):
        survey_services.survey_dispatch_due(today=D(2026, 4, 5))
    assert (
        SurveyInvitation.objects.filter(mentorship=m, survey__kind=SurveyKind.FIT_CHECK, sent_at__isnull=False).count()
        == 2
    )
    with travel(D(2026, 4, 8)):
        services.mentorship_end(mentorship=m, by=coordinator, reason="Not a good fit; the sponsors rematch.")
    with travel(D(2026, 4, 12)), django_capture_on_commit_callbacks(execute=True):
        assert survey_services.survey_reminders_send(today=D(2026, 4, 12)).sent == 0


def test_a_freed_mentor_shows_free_in_the_directory_and_the_suggestions_at_once(client):
    from matching.selectors import suggestions_for_mentee
    from matching.tests.test_services import person
    from programs.models import Role

    cohort = cohort_for("aahpm", D(2026, 1, 12), days=900)
    mentor = person(cohort, Role.MENTOR, skills=["Budgeting"])
    seeker = person(cohort, Role.MENTEE, needs=["Budgeting"])
    with travel(D(2026, 1, 12)):
        for _ in range(2):  # AAHPM: two mentees at a time
            services.invitation_accept(invitation=invite(cohort, mentee_in(cohort), mentor), by=mentor)
    # Both pairs recorded six months at their discovery call.
    mentor.mentorships_as_mentor.update(agreed_duration_months=6, planned_end_on=D(2026, 7, 12))
    client.force_login(seeker)
    url = reverse("directory:list", args=["aahpm"])
    with travel(D(2026, 7, 11)):
        assert "0 of 2 places free" in client.get(url).content.decode()
        assert mentor not in [s["mentor"] for s in suggestions_for_mentee(program=cohort.program, mentee=seeker)]
    with travel(D(2026, 7, 12)):
        client.get(url)  # cached under today's fingerprint
        services.mentorships_end_due(today=D(2026, 7, 12))
        page = client.get(url).content.decode()
        assert "2 of 2 places free" in page
        assert mentor in [s["mentor"] for s in suggestions_for_mentee(program=cohort.program, mentee=seeker)]


def test_ended_pairs_show_as_ended_and_ky_figures_stay_with_their_program_year(
    client, django_capture_on_commit_callbacks
):
    cohort = cohort_for("ky-connections", D(2026, 1, 5))
    sponsor = coordinator_of(cohort.program)
    with travel(D(2026, 1, 5)):
        m = pair(cohort, mentor_in(cohort), mentee_in(cohort), today=D(2026, 1, 5))
    for month in range(1, 13):
        met(m, at(2026, month, 20), minutes=60)
    send_due(D(2026, 12, 31), django_capture_on_commit_callbacks)
    m.refresh_from_db()
    assert (m.state, m.ended_on) == (MentorshipState.COMPLETED, D(2026, 12, 31))

    with travel(D(2027, 1, 20)):
        # The sponsors' card: this year's cohort has no pairs yet; 2026's completions stay 2026's.
        card = next(c for c in program_dashboards(user=sponsor) if c.program == cohort.program)
        completed = card.figure("ended")
        assert (completed.label, completed.value) == (f"Completed in {cohort.name}", "1 of 1")
        client.force_login(sponsor)
        response = client.get(
            reverse("admin:programs_enrollment_export") + f"?kind=mentorships&program={cohort.program.pk}"
        )
        assert response.status_code == HTTPStatus.OK
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [(r["Cohort"], r["State"], r["Ended on"], r["End reason"]) for r in rows] == [
            (cohort.name, "Completed", "2026-12-31", services.PROGRAM_YEAR_ENDED)
        ]
        response = client.get(
            reverse("admin:programs_enrollment_export") + f"?kind=contact-hours&program={cohort.program.pk}"
        )
        hours = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert {(r["Program year"], r["Hours"]) for r in hours} == {(cohort.name, "12.0")}
        changelist = client.get(reverse("admin:mentorship_mentorship_changelist")).content.decode()
        assert services.PROGRAM_YEAR_ENDED in changelist
        report = completion_report(cohort=cohort, enrollments=list(Enrollment.objects.filter(cohort=cohort)))
        assert {(row.role, row.completed, row.met_minimum) for row in report} == {
            ("mentor", True, True),
            ("mentee", True, True),
        }
        client.force_login(m.mentee)
        dashboard = client.get(reverse("dashboard")).content.decode()
        assert "ended 31 Dec 2026: Program year ended." in dashboard


def test_a_ky_mentor_freed_at_the_year_end_is_paired_in_next_years_cohort():
    this_year = cohort_for("ky-connections", D(2026, 1, 5))
    next_year = cohort_for("ky-connections", D(2027, 1, 5))
    mentor = mentor_in(this_year)
    with travel(D(2026, 1, 5)):
        pair(this_year, mentor, mentee_in(this_year), today=D(2026, 1, 5))
    mentor_in(next_year, mentor)
    newcomer = mentee_in(next_year)
    with travel(D(2027, 1, 6)):
        services.mentorships_end_due(today=D(2027, 1, 6))
        second = pair(next_year, mentor, newcomer, today=D(2027, 1, 6))
    assert second.cohort == next_year and second.planned_end_on == D(2027, 12, 31)
