"""Reads of surveys, with their access checks.

Who may read answers: the respondent, through their personal link, their own
answers only; the program's coordinators, in aggregate, with names only where
the survey is not anonymous in reporting. Participants never read each
other's answers — nothing here takes a mentorship and returns its answers.
"""

import dataclasses
from collections import Counter, defaultdict

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from mentorship.reports.exports import FORMULA_TRIGGERS as FORMULA_STARTS  # noqa: F401 (tests name it)
from mentorship.reports.exports import csv_cell

from .models import RATING_VALUES, TOKEN_SALT, Answer, Question, QuestionKind, RecipientRole, Survey, SurveyInvitation

NOT_YOURS = "This survey link belongs to someone else. Sign out to use a link you were sent."
# An anonymous survey's aggregates are shown from this many answers on: with
# one or two, an “average” is a person's answer, and the list of who has
# answered would tell whose.
ANONYMITY_THRESHOLD = 3
WITHHELD = (
    "This survey is anonymous in reporting: its answers are shown once at least {threshold} people have answered "
    "({answered} so far)."
)


def invitation_get_by_token(*, token: str, user=None) -> SurveyInvitation:
    """The invitation a personal link opens: 404 for a tampered, forged or unknown link.

    The link is the credential, so it works without signing in; a person
    signed in as someone else is refused, so a forwarded link does not show
    one participant another's answers under their own account.
    """
    try:
        pk, key = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
        pk = int(pk)
        key = str(key)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404("No such survey.")
    invitation = (
        SurveyInvitation.objects.select_related("survey__program", "recipient", "mentorship__mentor", "mentorship__mentee")
        .filter(pk=pk, sent_at__isnull=False)
        .first()
    )
    if invitation is None or not constant_time_compare(invitation.token_key, key):
        raise Http404("No such survey.")
    if user is not None and user.is_authenticated and user.pk != invitation.recipient_id:
        raise PermissionDenied(NOT_YOURS)
    return invitation


def answers_for_invitation(*, invitation: SurveyInvitation) -> dict[int, object]:
    """The invitation's own answers (draft or final), keyed by question id, as the form takes them."""
    values = {}
    for answer in Answer.objects.filter(invitation=invitation).select_related("question"):
        kind = answer.question.kind
        if kind == QuestionKind.RATING:
            values[answer.question_id] = answer.rating
        elif kind == QuestionKind.SINGLE:
            values[answer.question_id] = answer.choice
        elif kind == QuestionKind.MULTIPLE:
            values[answer.question_id] = list(answer.choices)
        else:
            values[answer.question_id] = answer.text
    return values


def invitations_for_user(*, user) -> QuerySet[SurveyInvitation]:
    return (
        SurveyInvitation.objects.filter(recipient=user, sent_at__isnull=False)
        .select_related("survey__program", "mentorship__mentor", "mentorship__mentee")
        .order_by("completed_at", "-sent_at")
    )


# ---------------------------------------------------------------------------
# Results for coordinators
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    average: float | None = None
    # (label, count) in the order the question offers them.
    counts: list[tuple[str, int]] = dataclasses.field(default_factory=list)
    texts: list[dict] = dataclasses.field(default_factory=list)
    alerts: list[dict] = dataclasses.field(default_factory=list)
    alert_count: int = 0

    @property
    def chart(self) -> dict | None:
        if self.question.kind == QuestionKind.TEXT or not self.counts:
            return None
        return {
            "id": f"chart-q{self.question.pk}",
            "label": self.question.text,
            "labels": [label for label, _ in self.counts],
            "counts": [count for _, count in self.counts],
            # Bars of answers that alert the coordinators are drawn in red.
            "alerts": [label in self.question.alert_values for label, _ in self.counts],
        }


@dataclasses.dataclass
class SurveyResults:
    survey: Survey
    role: str
    invited: int
    answered: int
    drafts: int
    by_role: dict[str, dict]
    questions: list[QuestionResult]
    dimensions: list[dict]
    withheld: bool = False

    @property
    def withheld_message(self) -> str:
        return WITHHELD.format(threshold=ANONYMITY_THRESHOLD, answered=self.answered) if self.withheld else ""

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    @property
    def charts(self) -> list[dict]:
        charts = [q.chart for q in self.questions if q.chart]
        if len(self.dimensions) > 1:
            charts.append(
                {
                    "id": "chart-dimensions",
                    "label": "Average rating by dimension",
                    "labels": [d["name"] for d in self.dimensions],
                    "counts": [round(d["average"], 2) for d in self.dimensions],
                    "max": 5,
                }
            )
        return charts


def _person(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def survey_results(*, survey: Survey, role: str = "") -> SurveyResults:
    """Response rate and per-question aggregates from submitted answers only.

    A fixed number of queries whatever the number of responses: the counts are
    grouped in the database; free texts and multiple choices are one query each.
    """
    role = role if role in RecipientRole.values else ""
    invitations = SurveyInvitation.objects.filter(survey=survey, sent_at__isnull=False)
    if role:
        invitations = invitations.filter(role=role)
    by_role = {
        row["role"]: row
        for row in invitations.values("role").annotate(
            invited=Count("pk"),
            answered=Count("pk", filter=Q(completed_at__isnull=False)),
            drafts=Count("pk", filter=Q(completed_at__isnull=True, draft_saved_at__isnull=False)),
        )
    }
    invited = sum(r["invited"] for r in by_role.values())
    answered = sum(r["answered"] for r in by_role.values())
    drafts = sum(r["drafts"] for r in by_role.values())

    questions = list(survey.questions.all())
    results = {q.pk: QuestionResult(question=q) for q in questions}
    if survey.anonymous_in_reporting and answered < ANONYMITY_THRESHOLD:
        return SurveyResults(
            survey=survey,
            role=role,
            invited=invited,
            answered=answered,
            drafts=drafts,
            by_role={RecipientRole(r).label: v for r, v in by_role.items()},
            questions=list(results.values()),
            dimensions=[],
            withheld=answered > 0,
        )
    submitted = Answer.objects.filter(question__survey=survey, invitation__completed_at__isnull=False)
    if role:
        submitted = submitted.filter(invitation__role=role)

    ratings = defaultdict(Counter)
    for row in submitted.filter(rating__isnull=False).values("question_id", "rating").annotate(n=Count("pk")):
        ratings[row["question_id"]][row["rating"]] = row["n"]
    singles = defaultdict(Counter)
    for row in submitted.exclude(choice="").values("question_id", "choice").annotate(n=Count("pk")):
        singles[row["question_id"]][row["choice"]] = row["n"]
    multiples = defaultdict(Counter)
    multiple_answered = Counter()
    multiple_ids = [q.pk for q in questions if q.kind == QuestionKind.MULTIPLE]
    if multiple_ids:
        for question_id, chosen in submitted.filter(question_id__in=multiple_ids).values_list("question_id", "choices"):
            multiple_answered[question_id] += 1
            multiples[question_id].update(chosen)

    names = not survey.anonymous_in_reporting
    text_ids = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    alert_ids = [q.pk for q in questions if q.alert_values]
    if text_ids or (alert_ids and names):
        fields = ["question_id", "text", "rating", "choice", "invitation__role"]
        if names:
            fields += [
                "invitation__recipient__first_name",
                "invitation__recipient__last_name",
                "invitation__recipient__email",
                "invitation__mentorship_id",
                "invitation__completed_at",
            ]
        rows = submitted.filter(question_id__in=text_ids + (alert_ids if names else [])).exclude(
            text="", rating__isnull=True, choice=""
        )
        # Anonymous free text is listed in alphabetical order, not in the order
        # it arrived, so the list cannot be matched against who answered when.
        order = ["invitation__completed_at", "pk"] if names else ["text"]
        for row in rows.values(*fields).order_by(*order):
            entry = {"role": RecipientRole(row["invitation__role"]).label}
            if names:
                entry["name"] = _person(
                    row["invitation__recipient__first_name"],
                    row["invitation__recipient__last_name"],
                    row["invitation__recipient__email"],
                )
                entry["mentorship_id"] = row["invitation__mentorship_id"]
                entry["completed_at"] = row["invitation__completed_at"]
            result = results[row["question_id"]]
            if result.question.kind == QuestionKind.TEXT:
                if row["text"]:
                    result.texts.append({**entry, "text": row["text"]})
            else:
                value = str(row["rating"]) if row["rating"] is not None else row["choice"]
                if value in result.question.alert_values:
                    result.alerts.append({**entry, "answer": value})

    for question in questions:
        result = results[question.pk]
        if question.kind == QuestionKind.RATING:
            counter = ratings[question.pk]
            result.counts = [(str(v), counter[v]) for v in RATING_VALUES]
            result.answered = sum(counter.values())
            if result.answered:
                result.average = sum(v * n for v, n in counter.items()) / result.answered
            result.alert_count = sum(counter[int(v)] for v in question.alert_values)
        elif question.kind == QuestionKind.SINGLE:
            counter = singles[question.pk]
            result.counts = _in_offered_order(question, counter)
            result.answered = sum(counter.values())
            result.alert_count = sum(counter[v] for v in question.alert_values)
        elif question.kind == QuestionKind.MULTIPLE:
            result.counts = _in_offered_order(question, multiples[question.pk])
            result.answered = multiple_answered[question.pk]
        else:
            result.answered = len(result.texts)

    dimensions = defaultdict(lambda: [0, 0])
    for question in questions:
        if question.kind == QuestionKind.RATING and question.dimension:
            counter = ratings[question.pk]
            dimensions[question.dimension][0] += sum(v * n for v, n in counter.items())
            dimensions[question.dimension][1] += sum(counter.values())
    dimension_rows = [
        {"name": name, "average": total / count, "answers": count}
        for name, (total, count) in dimensions.items()
        if count
    ]
    return SurveyResults(
        survey=survey,
        role=role,
        invited=invited,
        answered=answered,
        drafts=drafts,
        by_role={RecipientRole(r).label: v for r, v in by_role.items()},
        questions=[results[q.pk] for q in questions],
        dimensions=dimension_rows,
    )


def _in_offered_order(question: Question, counter: Counter) -> list[tuple[str, int]]:
    offered = question.choice_list
    rows = [(choice, counter[choice]) for choice in offered]
    # Answers to choices since edited out of the question still count.
    rows += [(f"{choice} (no longer offered)", n) for choice, n in sorted(counter.items()) if choice not in offered]
    return rows


# ---------------------------------------------------------------------------
# CSV export
# ---------------------------------------------------------------------------

def csv_safe(value) -> str:
    """A cell as text, neutralised for spreadsheets (the project's one rule, compliance.csv_cell)."""
    return str(csv_cell(value))


def survey_export_rows(*, survey: Survey) -> list[list[str]]:
    """One row per submitted response, every cell neutralised for spreadsheets.

    Anonymous surveys carry no name, email, mentorship or date, rows are
    sorted by their answers rather than by arrival, and below the anonymity
    threshold there are no rows at all.
    """
    questions = list(survey.questions.all())
    names = not survey.anonymous_in_reporting
    header = ["Role"]
    if names:
        header += ["Submitted on", "Respondent", "Email", "Mentor", "Mentee", "Mentorship"]
    header += [q.text for q in questions]

    invitations = SurveyInvitation.objects.filter(survey=survey, completed_at__isnull=False).order_by("completed_at", "pk")
    if names:
        invitations = invitations.select_related("recipient", "mentorship__mentor", "mentorship__mentee")
    invitations = list(invitations)
    if not names and len(invitations) < ANONYMITY_THRESHOLD:
        invitations = []
    answers = defaultdict(dict)
    for answer in Answer.objects.filter(invitation__in=[i.pk for i in invitations]).order_by():
        answers[answer.invitation_id][answer.question_id] = answer.display

    rows = []
    for invitation in invitations:
        row = [invitation.get_role_display()]
        if names:
            mentorship = invitation.mentorship
            row += [
                timezone.localtime(invitation.completed_at).strftime("%Y-%m-%d %H:%M"),
                str(invitation.recipient),
                invitation.recipient.email,
                str(mentorship.mentor),
                str(mentorship.mentee),
                str(mentorship.pk),
            ]
        row += [answers[invitation.pk].get(q.pk, "") for q in questions]
        rows.append(row)
    if not names:
        rows.sort()
    return [[csv_safe(cell) for cell in row] for row in [header] + rows]
