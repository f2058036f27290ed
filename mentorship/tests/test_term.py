"""Mentorships end when their time is up: one time-travel test per program takes a
pair from pairing to past its end, running `send_due` (which ends the pairs whose
time is up first, as beat does just after midnight) day by day, and checks each
day what the pair was sent, its state and its mentor's free places.

- AAHPM: asked monthly to record the duration until it is recorded; ends at the
  agreed duration; the exit survey follows.
- HPMSNJ: asked to extend or close 30 days before the planned end; extended by
  the mentee; asked again before the new end; no answer: ends 14 days after it.
- HHS: asked; both choose to close: ends at the planned end, with the 12-month
  evaluation, and no progress report after it.
- WTAP: evaluated after the initial period, both answer “continue” (recorded
  on the pair); ends 14 days after its three years, unanswered.
- KY: ends with the program year; the end-of-year evaluation and nothing else
  after it (no check-in, no fit questionnaire, no meeting reminder); the mentor
  is free for next year's cohort.

Each test fails without the rule it covers: without the end, check-ins, survey
rounds and the fit questionnaire keep coming and the mentor stays full.

Days are run every day around each turning point and every week in between
(`Clock.days`): everything a pair is sent falls in the daily stretches, and a
planner run on a weekly day would send what fell due since (the planners
catch up), so nothing can hide between them.
"""

import datetime
import io
from collections import defaultdict

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from mentorship import services
from mentorship.models import (
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Mentorship,
    MentorshipDecision,
    MentorshipState,
    Notification,
    ReminderDelivery,
)
from mentorship.selectors.capacity import free_places
from surveys.models import SurveyInvitation

from .builders import at, cohort_for, invite, mentee_in, mentor_in, met, pair

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2026, 1, 12)


def kind_of(subject: str) -> str:
    """What a mail is, from its subject (the product's own wording)."""
    s = subject.lower()
    if s.startswith("[mentoring] tomorrow:") and " with " not in s:
        return "event reminder"  # “Tomorrow: <the program's event>”, a meeting's is “… with <partner>”
    for words, kind in (
        ("has ended", "ended"),
        ("answered “", "answered"),
        ("extend or close", "extend?"),
        ("continue or end", "continue?"),
        ("record the duration", "duration?"),
        ("time to check in", "checkin"),
        ("tomorrow:", "meeting reminder"),
        ("extended your mentorship", "extended"),
        ("reminder:", "survey reminder"),
        ("exit survey", "exit survey"),
        ("evaluation", "evaluation"),
        ("progress report", "progress report"),
        ("feedback", "feedback"),
        ("fit questionnaire", "fit questionnaire"),
    ):
        if words in s:
            return kind
    return subject


class Clock:
    """Runs the days of one pair's life and records what each partner was sent."""

    def __init__(self, capture, mentorship: Mentorship, *, meet_every: int = 14, meet_minutes: int = 60):
        self.capture = capture
        self.pair = mentorship
        self.meet_every = meet_every
        self.meet_minutes = meet_minutes
        self.last_met = mentorship.started_on
        self.sent: dict[D, dict[str, list[str]]] = {}
        self.states: dict[D, str] = {}
        self.free: dict[D, int] = {}

    def _meet_up_to(self, day: D) -> None:
        """While the pair is live they meet every two weeks, so no check-in is due."""
        while self.last_met + datetime.timedelta(days=self.meet_every) <= day:
            self.last_met += datetime.timedelta(days=self.meet_every)
            self.pair.refresh_from_db()
            if self.pair.state != MentorshipState.ACTIVE:
                return
            met(self.pair, at(self.last_met.year, self.last_met.month, self.last_met.day, 7), minutes=self.meet_minutes)

    def run(self, day: D, before=None) -> dict[str, list[str]]:
        self._meet_up_to(day)
        mail.outbox.clear()
        with time_machine.travel(at(day.year, day.month, day.day, 9), tick=False), self.capture(execute=True):
            if before:
                before()  # a partner's answer that day, before the day's run
            call_command("send_due", date=day, stdout=io.StringIO())
        self.pair.refresh_from_db()
        who = {self.pair.mentor.email: "mentor", self.pair.mentee.email: "mentee"}
        got = defaultdict(list)
        for message in mail.outbox:
            for address in message.to:
                if address in who:
                    got[who[address]].append(kind_of(message.subject))
        got = {role: sorted(kinds) for role, kinds in got.items()}
        self.sent[day] = got
        self.states[day] = self.pair.state
        self.free[day] = free_places(program=self.pair.program, mentor=self.pair.mentor)
        self._answer_live_surveys(day)
        return got

    def _answer_live_surveys(self, day: D) -> None:
        # A live pair answers its surveys at once, so their reminders do not crowd the
        # timeline; what is sent after the end stays unanswered and is reminded.
        if self.pair.state == MentorshipState.ACTIVE:
            SurveyInvitation.objects.filter(mentorship=self.pair, completed_at__isnull=True).update(
                completed_at=at(day.year, day.month, day.day, 10)
            )

    @staticmethod
    def days(first: D, last: D, *turning_points: D, around: int = 35) -> list[D]:
        """Every day within `around` days of a turning point, every seventh day otherwise."""
        out, day = [], first
        while day <= last:
            near = any(abs((day - point).days) <= around for point in turning_points)
            if near or (day - first).days % 7 == 0:
                out.append(day)
            day += datetime.timedelta(days=1)
        return out

    def check(self, expected: dict[D, dict[str, list[str]]], *, ends_on: D, free_before: int, free_after: int):
        """Each day run: exactly the mail expected, the state, and the mentor's free places."""
        problems = []
        for day, got in self.sent.items():
            want = {role: sorted(kinds) for role, kinds in expected.get(day, {}).items() if kinds}
            if got != want:
                problems.append(f"{day}: sent {got}, expected {want}")
            state = MentorshipState.ACTIVE if day < ends_on else MentorshipState.COMPLETED
            if self.states[day] != state:
                problems.append(f"{day}: {self.states[day]}, expected {state}")
            free = free_before if day < ends_on else free_after
            if self.free[day] != free:
                problems.append(f"{day}: {self.free[day]} free places, expected {free}")
        missing = [day for day in expected if day not in self.sent]
        assert missing == [], f"expected days not run: {missing}"
        assert problems == [], "\n".join(problems)


def both(*kinds: str) -> dict[str, list[str]]:
    return {"mentor": list(kinds), "mentee": list(kinds)}


def schedule_after(mentorship: Mentorship, day: D):
    """A check-in the pair put in their calendars for a day after the end."""
    with time_machine.travel(at(mentorship.started_on.year, mentorship.started_on.month, mentorship.started_on.day, 9)):
        return services.meeting_schedule(
            mentorship=mentorship,
            by=mentorship.mentee,
            starts_at=at(day.year, day.month, day.day, 15),
            duration_minutes=60,
            mode=MeetingMode.VIDEO,
        )


def formed(slug: str, started_on: D = START, **cohort) -> Mentorship:
    """The coordinator pairs two approved participants on `started_on`."""
    cohort = cohort_for(slug, started_on, **cohort)
    with time_machine.travel(at(started_on.year, started_on.month, started_on.day, 8), tick=False):
        return pair(cohort, mentor_in(cohort), mentee_in(cohort), today=started_on)


def ended_notices(mentorship: Mentorship) -> int:
    return Notification.objects.filter(
        user__in=[mentorship.mentor, mentorship.mentee], subject__contains="has ended"
    ).count()


# ---------------------------------------------------------------------------
# One per program
# ---------------------------------------------------------------------------


def test_aahpm_asks_for_the_duration_then_ends_at_it_with_the_exit_survey(django_capture_on_commit_callbacks):
    cohort = cohort_for("aahpm", START, days=900)
    mentor, mentee = mentor_in(cohort), mentee_in(cohort)
    with time_machine.travel(at(2026, 1, 12, 8), tick=False):
        invitation = invite(cohort, mentee, mentor)
        m = services.invitation_accept(invitation=invitation, by=mentor)
        met(m, at(2026, 1, 12, 7), kind=MeetingKind.DISCOVERY)
    assert m.planned_end_on is None
    after = schedule_after(m, D(2026, 7, 17))
    clock = Clock(django_capture_on_commit_callbacks, m)

    def record_six_months():
        services.mentorship_set_duration(mentorship=m, by=mentor, months=6)

    end = D(2026, 7, 12)  # six months from 12 January, agreed on 21 February
    for day in Clock.days(START, D(2026, 9, 30), D(2026, 2, 12), end):
        clock.run(day, before=record_six_months if day == D(2026, 2, 21) else None)

    clock.check(
        {
            D(2026, 2, 12): both("duration?"),  # a month in, no planned end yet
            end: both("ended", "exit survey"),  # AAHPM: an exit survey “once the relationship has ended”
            D(2026, 7, 19): both("survey reminder"),
            D(2026, 7, 26): both("survey reminder"),
        },
        ends_on=end,
        free_before=1,  # AAHPM: two mentees at a time
        free_after=2,
    )
    m.refresh_from_db()
    assert (m.ended_on, m.end_reason, m.ended_by) == (end, services.PLANNED_END_REACHED, None)
    after.refresh_from_db()
    assert after.status == MeetingStatus.CANCELLED
    assert ended_notices(m) == 2


def test_hpmsnj_asks_extend_or_close_the_mentee_extends_and_unanswered_it_ends_after_the_grace(
    django_capture_on_commit_callbacks,
):
    m = formed("hpmsnj", days=900)
    planned, extended_to = D(2027, 1, 12), D(2028, 1, 12)
    assert m.planned_end_on == planned
    end = D(2028, 1, 26)  # the new planned end and 14 days' grace
    clock = Clock(django_capture_on_commit_callbacks, m)

    def mentee_extends():
        services.mentorship_decide(mentorship=m, by=m.mentee, answer="extend")

    feedback = [D(2026, 7, 12), planned, D(2027, 7, 12), extended_to]  # every six months (answered at once)
    for day in Clock.days(START, D(2028, 3, 31), planned, *feedback, extended_to, end):
        clock.run(day, before=mentee_extends if day == D(2026, 12, 23) else None)

    clock.check(
        {
            D(2026, 7, 12): both("feedback"),
            D(2026, 12, 13): both("extend?"),  # 30 days before the planned end
            D(2026, 12, 23): {"mentor": ["extended"]},  # the mentee extended by the program's 12 months
            planned: both("feedback"),
            D(2027, 7, 12): both("feedback"),
            D(2027, 12, 13): both("extend?"),  # asked again, about the new end
            extended_to: both("feedback"),  # still live in its grace days
            end: both("ended"),
        },
        ends_on=end,
        free_before=0,
        free_after=1,
    )
    m.refresh_from_db()
    assert (m.planned_end_on, m.extended_count, m.ended_on, m.end_reason) == (
        extended_to,
        1,
        end,
        services.PLANNED_END_REACHED,
    )
    assert list(m.decisions.values_list("term", "answer")) == [(planned, "extend")]


def test_hhs_both_choose_to_close_it_ends_at_the_planned_end_with_the_evaluation(django_capture_on_commit_callbacks):
    m = formed("hhs", days=900)
    planned = D(2027, 1, 12)
    clock = Clock(django_capture_on_commit_callbacks, m)

    def mentor_closes():
        services.mentorship_decide(mentorship=m, by=m.mentor, answer="close")

    def mentee_closes():
        services.mentorship_decide(mentorship=m, by=m.mentee, answer="close")

    answers = {D(2026, 12, 18): mentor_closes, D(2026, 12, 23): mentee_closes}
    reports = [D(2026, 4, 12), D(2026, 7, 12), D(2026, 10, 12)]  # the mentor's quarterly progress reports
    for day in Clock.days(START, D(2027, 3, 31), planned, *reports):
        clock.run(day, before=answers.get(day))

    clock.check(
        {
            **{day: {"mentor": ["progress report"]} for day in reports},
            D(2026, 12, 13): both("extend?"),
            D(2026, 12, 18): {"mentee": ["answered"]},
            D(2026, 12, 23): {"mentor": ["answered"]},  # both chose to close: no grace
            # The one-year program's evaluation at its end, and no fourth progress report.
            planned: both("ended", "evaluation"),
            D(2027, 1, 19): both("survey reminder"),
            D(2027, 1, 26): both("survey reminder"),
        },
        ends_on=planned,
        free_before=4,  # HHS: up to five mentees
        free_after=5,
    )
    m.refresh_from_db()
    assert m.ended_on == planned and m.end_reason == services.PLANNED_END_REACHED


def test_wtap_is_asked_to_continue_after_the_initial_period_and_ends_after_three_years(
    django_capture_on_commit_callbacks,
):
    m = formed("wtap", days=1500)
    evaluated, planned, end = D(2026, 7, 12), D(2029, 1, 12), D(2029, 1, 26)
    assert m.planned_end_on == planned
    clock = Clock(django_capture_on_commit_callbacks, m)

    def mentor_continues():
        services.mentorship_decide(mentorship=m, by=m.mentor, answer="continue")

    def mentee_continues():
        services.mentorship_decide(mentorship=m, by=m.mentee, answer="continue")

    answers = {D(2026, 7, 15): mentor_continues, D(2026, 7, 17): mentee_continues}
    for day in Clock.days(START, D(2029, 3, 31), evaluated, planned, end):
        clock.run(day, before=answers.get(day))

    clock.check(
        {
            # WTAP: “After an initial period, the relations will be evaluated and mutually agreed to end or continue.”
            evaluated: both("continue?", "evaluation"),
            D(2026, 7, 15): {"mentee": ["answered"]},
            D(2026, 7, 17): {"mentor": ["answered"]},
            D(2028, 12, 13): both("extend?"),
            end: both("ended"),
        },
        ends_on=end,
        free_before=0,
        free_after=1,
    )
    recorded = MentorshipDecision.objects.filter(mentorship=m, question="continue_or_end")
    assert sorted(recorded.values_list("user_id", "term", "answer")) == sorted(
        [(m.mentor_id, evaluated, "continue"), (m.mentee_id, evaluated, "continue")]
    )


def test_ky_ends_with_the_program_year_and_sends_only_the_end_of_year_evaluation(django_capture_on_commit_callbacks):
    started = D(2026, 12, 14)
    m = formed("ky-connections", started)
    year_end = D(2026, 12, 31)
    assert m.planned_end_on == year_end  # the program year: “begin annually in January and conclude in December”
    after = schedule_after(m, D(2027, 1, 8))
    clock = Clock(django_capture_on_commit_callbacks, m)
    for day in Clock.days(started, D(2027, 4, 30), year_end, D(2027, 3, 14)):
        clock.run(day)
    clock.run(D(2027, 12, 14))  # a year after it began: the evaluation is not sent again

    clock.check(
        {
            # The end-of-year evaluation at the end, and nothing more from the program: no check-in
            # on 13 January, no meeting reminder on 7 January, no fit questionnaire on 14 March.
            D(2026, 12, 16): both("event reminder"),  # December's chapter meeting, in the program year
            year_end: both("ended", "evaluation"),
            D(2027, 1, 7): both("survey reminder"),
            D(2027, 1, 14): both("survey reminder"),
        },
        ends_on=year_end,
        free_before=0,
        free_after=1,
    )
    m.refresh_from_db()
    assert (m.ended_on, m.end_reason) == (year_end, services.PROGRAM_YEAR_ENDED)
    after.refresh_from_db()
    assert after.status == MeetingStatus.CANCELLED
    assert (
        "cancelled with it"
        in Notification.objects.filter(user=m.mentee, subject__contains="has ended").get().body.lower()
    )


# ---------------------------------------------------------------------------
# Run again
# ---------------------------------------------------------------------------


def test_the_end_of_term_task_and_send_due_run_three_times_a_day_send_once_and_end_once(
    django_capture_on_commit_callbacks,
):
    from mentorship.models import Mentorship as M
    from mentorship.tasks import mentorships_end_due_task

    ky = formed("ky-connections", D(2026, 12, 14))
    hpmsnj = formed("hpmsnj", days=900)
    aahpm = formed("aahpm", days=900)
    Mentorship.objects.filter(pk=aahpm.pk).update(agreed_duration_months=6, planned_end_on=D(2026, 7, 12))
    days = [D(2026, 7, 12), D(2026, 7, 19), D(2026, 12, 13), D(2026, 12, 31), D(2027, 1, 7), D(2027, 1, 26)]
    first_rounds = {}
    for day in days:
        rounds = []
        for _ in range(3):
            mail.outbox.clear()
            with (
                time_machine.travel(at(day.year, day.month, day.day, 9), tick=False),
                django_capture_on_commit_callbacks(execute=True),
            ):
                mentorships_end_due_task()
                call_command("send_due", date=day, stdout=io.StringIO())
            rounds.append(sorted((message.to[0], kind_of(message.subject)) for message in mail.outbox))
        assert rounds[1] == rounds[2] == [], (day, rounds)
        first_rounds[day] = rounds[0]
    sent = {day: {kind for _, kind in got} for day, got in first_rounds.items()}
    assert {"ended", "exit survey"} <= sent[D(2026, 7, 12)]
    assert "extend?" in sent[D(2026, 12, 13)]
    assert {"ended", "evaluation"} <= sent[D(2026, 12, 31)]
    assert "ended" in sent[D(2027, 1, 26)]
    for m, ended_on in ((aahpm, D(2026, 7, 12)), (ky, D(2026, 12, 31)), (hpmsnj, D(2027, 1, 26))):
        ends = M.history.filter(id=m.pk, state=MentorshipState.COMPLETED).order_by("history_date")
        assert ends.first().ended_on == ended_on and ends.count() == 1, m.program.short_name
        assert ended_notices(m) == 2
    assert ReminderDelivery.objects.filter(kind="extend_ask").count() == 2
