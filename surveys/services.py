"""Every state change of surveys: planning and sending, reminders, answers, alerts.

Exactly once (DESIGN.md, “Background work”): a survey send is a
SurveyInvitation row, unique per (recipient, survey, mentorship, round),
inserted with ignore_conflicts before any mail; the first email is claimed by a
conditional UPDATE of `sent_at`, each reminder by a conditional UPDATE of
`reminder_count`. A planner run twice, concurrently or from two beats finds
the rows already there and the claims already taken, and sends nothing twice.
The emails themselves go through mentorship.services.notify, which enqueues its
Celery task on commit: a rolled-back transaction sends nothing.
"""

import dataclasses
import datetime
import uuid
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mentorship.models import Mentorship, MentorshipState, User
from mentorship.services import mentorships_end_due, notify
from programs.errors import RuleViolation
from programs.models import ProgramCoordinator
from programs.rules import add_months

from .models import (
    RATING_VALUES,
    REPEATING_KINDS,
    Answer,
    Question,
    QuestionKind,
    RecipientRole,
    Survey,
    SurveyInvitation,
    SurveyKind,
)
from .signals import survey_answered

# Messages a person can act on; tests assert against these.
ALREADY_ANSWERED = "You have already answered this survey. Thank you!"
SURVEY_CLOSED = "This survey is closed. If you still want to answer, contact the {coordinator}."
REQUIRED = "Please answer this question."
NOT_A_CHOICE = "Choose one of the answers offered."
NOT_A_RATING = "Choose a rating from 1 to 5."
TOO_LONG = "Please keep this answer under {limit} characters."

# A planner that did not run for a while (a stopped beat, a new deployment)
# still sends what fell due in the last month, but never asks about
# mentorships that ended or turned years ago when a survey is first created.
CATCH_UP_DAYS = 30
# HHS/KY/AAHPM are silent on reminders; the issue asks for 7 and 14 days.
REMINDER_AFTER_DAYS = (7, 14)
BATCH_SIZE = 1000
TEXT_LIMIT = 5000
# Candidate mentorships are narrowed in the database by start date with this
# slack, then exactly in Python: add_months clamps month ends (31 Jan + 1 →
# 28 Feb), so its inverse is only approximately a date range.
START_DATE_SLACK = datetime.timedelta(days=4)


class SurveyAnswerError(RuleViolation):
    """Answers that cannot be saved; `errors` maps question ids to messages."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("Some answers need your attention.", code="answers")
        self.errors = errors


# ---------------------------------------------------------------------------
# Planning: what falls due
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DueInvitation:
    survey: Survey
    mentorship_id: int
    recipient_id: int
    recipient_label: str
    role: str
    round: int
    due_on: datetime.date

    @property
    def key(self) -> tuple:
        return (self.recipient_id, self.survey.pk, self.mentorship_id, self.round)

    def describe(self) -> str:
        return (
            f"{self.due_on:%Y-%m-%d}  {self.survey.program.short_name}: “{self.survey.title}”"
            f"{f' (round {self.round})' if self.round > 1 else ''} → {self.recipient_label} "
            f"({self.role}, mentorship #{self.mentorship_id})"
        )


@dataclasses.dataclass
class DispatchResult:
    planned: list[DueInvitation]
    sent: int = 0


@dataclasses.dataclass
class ReminderResult:
    planned: list[tuple[SurveyInvitation, int]]
    sent: int = 0


def rounds_elapsed(*, started_on: datetime.date, every_months: int, today: datetime.date) -> int:
    """How many whole periods of `every_months` a mentorship started on `started_on` has completed."""
    months = (today.year - started_on.year) * 12 + today.month - started_on.month
    n = max(months // every_months, 0)
    while n > 0 and add_months(started_on, n * every_months) > today:
        n -= 1
    return n


_ROW_FIELDS = (
    "pk",
    "state",
    "started_on",
    "ended_on",
    "mentor_id",
    "mentee_id",
    "mentor__is_active",
    "mentee__is_active",
    "mentor__first_name",
    "mentor__last_name",
    "mentor__email",
    "mentee__first_name",
    "mentee__last_name",
    "mentee__email",
)


def _start_window(*, months: int, earliest: datetime.date, today: datetime.date) -> tuple:
    return add_months(earliest, -months) - START_DATE_SLACK, add_months(today, -months) + START_DATE_SLACK


def _due_rows(*, survey: Survey, today: datetime.date) -> Iterator[tuple[dict, int, datetime.date]]:
    """(mentorship row, round, due date) for every mentorship this survey falls due for today.

    One query per survey, read in chunks; the number of surveys does not grow
    with the number of mentorships.
    """
    program = survey.program
    earliest = today - datetime.timedelta(days=CATCH_UP_DAYS)
    mentorships = Mentorship.objects.filter(program_id=program.pk)
    active, completed = MentorshipState.ACTIVE, MentorshipState.COMPLETED

    if survey.kind == SurveyKind.EXIT:
        # AAHPM: “Once the mentoring relationship has ended, [mentors and mentees]
        # are asked to complete an exit survey.”
        if not program.sends_exit_survey:
            return
        rows = mentorships.exclude(state=active).filter(ended_on__gte=earliest, ended_on__lte=today)
        for row in rows.values(*_ROW_FIELDS).order_by("pk").iterator(chunk_size=BATCH_SIZE):
            yield row, 1, row["ended_on"]

    elif survey.kind == SurveyKind.FIT_CHECK:
        # KY: “After the first three months, a questionnaire will be sent to both
        # parties to gauge if their mentoring match is a good fit.” Only while
        # the pair is still together: an ended match needs no fit check.
        months = program.fit_check_after_months
        if not months:
            return
        rows = mentorships.filter(state=active, started_on__range=_start_window(months=months, earliest=earliest, today=today))
        for row in rows.values(*_ROW_FIELDS).order_by("pk").iterator(chunk_size=BATCH_SIZE):
            due = add_months(row["started_on"], months)
            if earliest <= due <= today:
                yield row, 1, due

    elif survey.kind == SurveyKind.EVALUATION:
        # KY: “After one year, an evaluation form will be sent to both
        # participants”; HHS at the end of its one-year program; WTAP “after an
        # initial period”. Once per pair, at the evaluation month or at the end,
        # whichever comes first: a pair that completed its term sooner (KY's
        # program year ends in December, before the anniversary) is asked when it
        # ends, and not again at the anniversary. A pair that ended early, before
        # the evaluation month, is not asked.
        months = program.evaluation_after_months
        if not months:
            return
        in_window = Q(started_on__range=_start_window(months=months, earliest=earliest, today=today)) & (
            Q(state__in=[active, completed]) | Q(ended_on__gte=earliest - START_DATE_SLACK)
        )
        completed_now = Q(state=completed, ended_on__gte=earliest, ended_on__lte=today)
        rows = mentorships.filter(in_window | completed_now)
        for row in rows.values(*_ROW_FIELDS).order_by("pk").iterator(chunk_size=BATCH_SIZE):
            due = add_months(row["started_on"], months)
            if row["state"] == completed and row["ended_on"] < due:
                due = row["ended_on"]
            if not earliest <= due <= today:
                continue
            if row["state"] in (active, completed) or (row["ended_on"] and row["ended_on"] >= due):
                yield row, 1, due

    elif survey.kind in REPEATING_KINDS:
        # HHS: mentors “complete and submit progress reports to OPDIV
        # coordinators”; HPMSNJ: the committee hears “what is going well …” —
        # the documents are silent on how often, so the survey says.
        every = survey.every_months
        if not every:
            return
        rows = mentorships.filter(started_on__lte=add_months(today, -every) + START_DATE_SLACK).filter(
            Q(state=active) | Q(ended_on__gte=earliest)
        )
        for row in rows.values(*_ROW_FIELDS).order_by("pk").iterator(chunk_size=BATCH_SIZE):
            n = rounds_elapsed(started_on=row["started_on"], every_months=every, today=today)
            if n < 1:
                continue
            due = add_months(row["started_on"], n * every)
            if due < earliest:
                continue
            # A round that falls due on the day the pair ends, or after, is not sent:
            # after its end a pair hears only what its program sends then.
            if row["state"] == active or (row["ended_on"] and row["ended_on"] > due):
                yield row, n, due


def _label(row: dict, who: str) -> str:
    name = f"{row[f'{who}__first_name']} {row[f'{who}__last_name']}".strip()
    return f"{name} <{row[f'{who}__email']}>" if name else row[f"{who}__email"]


def _recipients(survey: Survey, row: dict) -> Iterator[tuple[int, str, str]]:
    if survey.asks_mentors and row["mentor__is_active"]:
        yield row["mentor_id"], RecipientRole.MENTOR, _label(row, "mentor")
    if survey.asks_mentees and row["mentee__is_active"]:
        yield row["mentee_id"], RecipientRole.MENTEE, _label(row, "mentee")


def _chunks(iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _due_surveys() -> list[Survey]:
    return list(
        Survey.objects.filter(active=True, program__is_active=True).select_related("program").order_by("pk")
    )


def survey_plan_due(*, today: datetime.date) -> Iterator[list[DueInvitation]]:
    """Batches of invitations due on `today` that do not exist yet. Reads only.

    Per batch of mentorships: one query for the candidates (chunked) and one
    for the invitations that already exist.
    """
    for survey in _due_surveys():
        for chunk in _chunks(_due_rows(survey=survey, today=today), BATCH_SIZE):
            existing = set(
                SurveyInvitation.objects.filter(survey=survey, mentorship_id__in=[row["pk"] for row, _, _ in chunk])
                .values_list("recipient_id", "survey_id", "mentorship_id", "round")
            )
            batch = [
                DueInvitation(
                    survey=survey,
                    mentorship_id=row["pk"],
                    recipient_id=recipient_id,
                    recipient_label=label,
                    role=role,
                    round=n,
                    due_on=due,
                )
                for row, n, due in chunk
                for recipient_id, role, label in _recipients(survey, row)
            ]
            batch = [due for due in batch if due.key not in existing]
            if batch:
                yield batch


def survey_dispatch_due(*, today: datetime.date, dry_run: bool = False) -> DispatchResult:
    """Create the invitations that fell due by `today` and send each one's link once.

    Dry run: returns what would be created and writes nothing. The planner is
    safe to run again at any time: existing rows are skipped by the unique
    constraint, and only the run whose UPDATE claims a row emails it.
    """
    result = DispatchResult(planned=[])
    # Pairs whose time is up end first: their exit survey or end-of-year evaluation
    # goes out today, and nothing that only a live pair is asked.
    if not dry_run:
        mentorships_end_due(today=today)
    for batch in survey_plan_due(today=today):
        result.planned.extend(batch)
        if dry_run:
            continue
        # Rows another run inserted first are skipped by the unique constraint.
        SurveyInvitation.objects.bulk_create(
            [
                SurveyInvitation(
                    survey=due.survey,
                    mentorship_id=due.mentorship_id,
                    recipient_id=due.recipient_id,
                    role=due.role,
                    round=due.round,
                    due_on=due.due_on,
                )
                for due in batch
            ],
            ignore_conflicts=True,
            batch_size=BATCH_SIZE,
        )
    if not dry_run:
        result.sent = survey_invitations_send(today=today)
    return result


def _about_an_ended_pair() -> Q:
    """Invitations to a fit check, progress report or feedback, which are about a
    live pair, whose pair has ended: neither sent nor reminded once it has (the
    exit survey and the evaluation still are)."""
    about_a_live_pair = Q(survey__kind=SurveyKind.FIT_CHECK) | Q(survey__kind__in=REPEATING_KINDS)
    return about_a_live_pair & ~Q(mentorship__state=MentorshipState.ACTIVE)


def survey_invitations_send(*, today: datetime.date) -> int:
    """Email every invitation not yet sent (and still current), claiming each first.

    Also picks up rows whose sending was interrupted after they were inserted.
    """
    earliest = today - datetime.timedelta(days=CATCH_UP_DAYS)
    claim = uuid.uuid4().hex
    sent = 0
    while True:
        with transaction.atomic():
            ids = list(
                SurveyInvitation.objects.filter(
                    sent_at__isnull=True, survey__active=True, due_on__gte=earliest, due_on__lte=today
                )
                .exclude(_about_an_ended_pair())
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not ids:
                return sent
            now = timezone.now()
            SurveyInvitation.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=now, claim=claim)
            claimed = SurveyInvitation.objects.filter(pk__in=ids, claim=claim, sent_at=now).select_related(
                "survey__program", "recipient", "mentorship__mentor", "mentorship__mentee"
            )
            for invitation in claimed:
                _notify_invitation(invitation)
                sent += 1


def _partner_name(invitation: SurveyInvitation) -> str:
    mentorship = invitation.mentorship
    partner = mentorship.mentee if invitation.role == RecipientRole.MENTOR else mentorship.mentor
    return partner.display_name


def _notify_invitation(invitation: SurveyInvitation) -> None:
    survey = invitation.survey
    program = survey.program
    lines = [
        f"{program.name} asks you to answer “{survey.title}” about your mentorship with "
        f"{_partner_name(invitation)}.",
    ]
    if survey.intro:
        lines.append(survey.intro)
    lines.append(
        "The link below is personal: it opens your survey without signing in, so please do not forward it. "
        "You can save your answers and finish later."
        + (" Your answers are reported without your name." if survey.anonymous_in_reporting else "")
    )
    notify(
        user=invitation.recipient,
        subject=f"Please answer: {program.titled(survey.title)}",
        body="\n\n".join(lines),
        url=invitation.get_absolute_url(),
    )


# ---------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _reminder_candidates(*, target: int, days: int, today: datetime.date):
    # Sent on day D (local time) → reminder `target` on D + days.
    cutoff = _start_of(today - datetime.timedelta(days=days - 1))
    return SurveyInvitation.objects.filter(
        sent_at__lt=cutoff, completed_at__isnull=True, reminder_count__lt=target, survey__active=True
    ).exclude(_about_an_ended_pair())


def survey_reminders_send(*, today: datetime.date, dry_run: bool = False) -> ReminderResult:
    """Remind non-responders 7 and 14 days after the link went out, each reminder once.

    The latest reminder due is the one sent: a planner that missed a week
    sends the 14-day reminder, not both. Each is claimed by a conditional
    UPDATE of `reminder_count`, so two runs never both send it.
    """
    result = ReminderResult(planned=[])
    # The later reminder first, so an invitation 14+ days old moves straight to it.
    for target, days in sorted(enumerate(REMINDER_AFTER_DAYS, start=1), reverse=True):
        candidates = _reminder_candidates(target=target, days=days, today=today)
        if dry_run:
            planned_ids = {inv.pk for inv, _ in result.planned}
            result.planned.extend(
                (inv, target)
                for inv in candidates.select_related("survey__program", "recipient").order_by("pk")
                if inv.pk not in planned_ids
            )
            continue
        claim = uuid.uuid4().hex
        while True:
            with transaction.atomic():
                ids = list(candidates.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
                if not ids:
                    break
                now = timezone.now()
                SurveyInvitation.objects.filter(
                    pk__in=ids, reminder_count__lt=target, completed_at__isnull=True
                ).update(reminder_count=target, last_reminded_at=now, claim=claim)
                claimed = SurveyInvitation.objects.filter(pk__in=ids, claim=claim, reminder_count=target).select_related(
                    "survey__program", "recipient", "mentorship__mentor", "mentorship__mentee"
                )
                for invitation in claimed:
                    _notify_reminder(invitation, target)
                    result.planned.append((invitation, target))
                    result.sent += 1
    return result


def _notify_reminder(invitation: SurveyInvitation, number: int) -> None:
    survey = invitation.survey
    program = survey.program
    started = " You have saved a draft; finish it when you are ready." if invitation.draft_saved_at else ""
    notify(
        user=invitation.recipient,
        subject=f"Reminder: {program.titled(survey.title)}",
        body=(
            f"{program.name} is still waiting for your answers to “{survey.title}” about your mentorship with "
            f"{_partner_name(invitation)}.{started} The link below is personal; please do not forward it."
        ),
        url=invitation.get_absolute_url(),
        # A reminder is a nudge, not the survey itself: the person's email
        # frequency may hold it back.
        essential=False,
    )


# ---------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------

AnswerValue = int | str | list[str] | None


def _is_empty(value: AnswerValue) -> bool:
    return value is None or value == "" or value == []


def _validate(questions: list[Question], answers: dict[int, AnswerValue], *, submitting: bool) -> dict[int, str]:
    errors = {}
    for question in questions:
        value = answers.get(question.pk)
        if _is_empty(value):
            if submitting and question.required:
                errors[question.pk] = REQUIRED
            continue
        if question.kind == QuestionKind.RATING:
            if value not in RATING_VALUES:
                errors[question.pk] = NOT_A_RATING
        elif question.kind == QuestionKind.SINGLE:
            if value not in question.choice_list:
                errors[question.pk] = NOT_A_CHOICE
        elif question.kind == QuestionKind.MULTIPLE:
            if not isinstance(value, list) or not set(value) <= set(question.choice_list):
                errors[question.pk] = NOT_A_CHOICE
        elif not isinstance(value, str) or len(value) > TEXT_LIMIT:
            errors[question.pk] = TOO_LONG.format(limit=TEXT_LIMIT)
    return errors


def _store_answers(invitation: SurveyInvitation, questions: list[Question], answers: dict[int, AnswerValue]) -> None:
    """Replace the invitation's answers with `answers`: two or three queries, whatever the count."""
    rows, empty = [], []
    for question in questions:
        value = answers.get(question.pk)
        if _is_empty(value):
            empty.append(question.pk)
            continue
        answer = Answer(invitation=invitation, question=question)
        if question.kind == QuestionKind.RATING:
            answer.rating = value
        elif question.kind == QuestionKind.SINGLE:
            answer.choice = value
        elif question.kind == QuestionKind.MULTIPLE:
            # Kept in the order the question offers them.
            answer.choices = [c for c in question.choice_list if c in value]
        else:
            answer.text = value.strip()
        rows.append(answer)
    if empty:
        Answer.objects.filter(invitation=invitation, question_id__in=empty).delete()
    if rows:
        now = timezone.now()
        for row in rows:
            row.updated_at = now
        Answer.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["invitation", "question"],
            update_fields=["rating", "choice", "choices", "text", "updated_at"],
        )


def _check_open(invitation: SurveyInvitation) -> None:
    if not invitation.survey.active:
        raise RuleViolation(
            SURVEY_CLOSED.format(coordinator=invitation.survey.program.coordinator_title), code="closed"
        )


@transaction.atomic
def survey_response_save_draft(*, invitation: SurveyInvitation, answers: dict[int, AnswerValue]) -> SurveyInvitation:
    """Keep what the person has answered so far; nothing is required yet."""
    _check_open(invitation)
    now = timezone.now()
    # The conditional UPDATE comes first and locks the row: a draft saved in
    # another tab after the survey was submitted changes nothing. Invalid
    # answers below roll it back.
    if not SurveyInvitation.objects.filter(pk=invitation.pk, completed_at__isnull=True).update(draft_saved_at=now):
        raise RuleViolation(ALREADY_ANSWERED, code="answered")
    questions = list(invitation.survey.questions.all())
    errors = _validate(questions, answers, submitting=False)
    if errors:
        raise SurveyAnswerError(errors)
    _store_answers(invitation, questions, answers)
    invitation.draft_saved_at = now
    return invitation


@transaction.atomic
def survey_response_submit(*, invitation: SurveyInvitation, answers: dict[int, AnswerValue]) -> SurveyInvitation:
    """Record the final answers once and alert the coordinators where an answer says to."""
    _check_open(invitation)
    now = timezone.now()
    # Claimed first: of two submits at once (a double click, two tabs) one
    # records the answers and alerts; the other is told it is already answered.
    if not SurveyInvitation.objects.filter(pk=invitation.pk, completed_at__isnull=True).update(completed_at=now):
        raise RuleViolation(ALREADY_ANSWERED, code="answered")
    questions = list(invitation.survey.questions.all())
    errors = _validate(questions, answers, submitting=True)
    if errors:
        raise SurveyAnswerError(errors)
    _store_answers(invitation, questions, answers)
    invitation.completed_at = now
    alerts = [
        (question, answers[question.pk])
        for question in questions
        if question.alert_values and not _is_empty(answers.get(question.pk))
        and str(answers[question.pk]) in question.alert_values
    ]
    if alerts:
        _alert_coordinators(invitation=invitation, alerts=alerts)
    survey_answered.send(sender=SurveyInvitation, invitation=invitation)
    return invitation


def _alert_coordinators(*, invitation: SurveyInvitation, alerts: list[tuple[Question, AnswerValue]]) -> None:
    """KY: the fit questionnaire gauges “if their mentoring match is a good fit with
    adjustments made if necessary” — the people who make adjustments hear of it."""
    survey = invitation.survey
    program = survey.program
    mentorship = invitation.mentorship
    answered = "; ".join(f"“{question.text}” — {value}" for question, value in alerts)
    if survey.anonymous_in_reporting:
        who = "Someone answered (the survey is anonymous in reporting, so this alert does not say who)"
    else:
        who = (
            f"{invitation.recipient.display_name}, {invitation.get_role_display().lower()} in the mentorship of "
            f"{mentorship.mentor.display_name} and {mentorship.mentee.display_name}, answered"
        )
    url = reverse("admin:surveys_survey_results", args=[survey.pk])
    coordinators = User.objects.filter(
        pk__in=ProgramCoordinator.objects.filter(program=program).values("user_id"), is_active=True
    )
    for coordinator in coordinators:
        notify(
            user=coordinator,
            subject=f"{program.titled(survey.title)}: an answer needs your attention",
            body=f"{who}: {answered}. The results page has the pair's answers if you need to follow up.",
            url=url,
        )
