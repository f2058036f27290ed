"""A mentorship's term: the program ends pairs whose time is up, and records what
the partners answer when the program asks them to extend or close, or to
continue or end.

- At its planned end a pair ends by itself, through `mentorship_end` with
  `by=None` (the program): KY's with the program year, AAHPM's at the duration
  the pair agreed; where pairs may extend (HPMSNJ, HHS, WTAP) at the planned
  end if both partners chose to close, else after the program's grace days.
  `mentorships_end_due` finds them; beat runs it daily, and `send_due` and the
  planners of reminders and surveys run it first, so nothing is planned for a
  pair whose time is up. A second run, or two at once, end each pair once:
  `mentorship_end` locks the pair and refuses one that has ended.
- The asks themselves (“extend or close”, WTAP's “continue or end”, AAHPM's
  monthly “record the agreed duration”) are reminders, claimed once each
  (services/reminders.py); the answers come here, from the pair's page.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from programs.errors import RuleViolation
from programs.formats import date_text
from programs.models import ProgramCoordinator

from ..models import (
    DECISION_ANSWERS,
    DecisionAnswer,
    DecisionQuestion,
    Mentorship,
    MentorshipDecision,
    MentorshipState,
    User,
)
from ..selectors.lifecycle import end_due_on, open_question
from .access import partner_check
from .mentorships import MENTORSHIP_NOT_ACTIVE, mentorship_end, mentorship_extend
from .notifications import notify

# The reasons the program gives when it ends a pair (shown on the pair's page, in the admin and the exports).
PLANNED_END_REACHED = "Planned end reached."
PROGRAM_YEAR_ENDED = "Program year ended."
BOTH_CHOSE_TO_END = "Both partners chose to end it at the evaluation after the initial period."

NOTHING_TO_ANSWER = "There is nothing to answer about this mentorship now."
ALREADY_ANSWERED = "You have already answered: {answer}."
NOT_AN_ANSWER = "Choose one of the answers offered: {answers}."
ONLY_THE_PAIR = "Only the mentor and the mentee of this mentorship can answer."


def mentorships_end_due(*, today: datetime.date | None = None, dry_run: bool = False) -> list[Mentorship]:
    """End every live pair whose time is up by `today`; returns the pairs this run ended
    (with `dry_run`, the pairs it would end, changing nothing).

    Each ends on its last day (`end_due_on`), whenever the run that finds it
    happens; another run that got there first, or a partner who extended
    meanwhile, is skipped.
    """
    today = today or timezone.localdate()
    # A pair's end is never before its planned end, so only those can be due.
    candidates = (
        Mentorship.objects.filter(state=MentorshipState.ACTIVE, planned_end_on__lte=today)
        .select_related("program", "mentor", "mentee")
        .prefetch_related("decisions")
        .order_by("planned_end_on", "pk")
    )
    ended = []
    for mentorship in candidates:
        due = end_due_on(mentorship=mentorship)
        if due is None or due > today:
            continue
        if dry_run:
            ended.append(mentorship)
            continue
        reason = PROGRAM_YEAR_ENDED if mentorship.program.ends_with_cohort else PLANNED_END_REACHED
        try:
            ended.append(mentorship_end(mentorship=mentorship, by=None, reason=reason, completed=True, today=today))
        except RuleViolation as refusal:
            if refusal.code in ("state", "not_due"):
                continue  # ended by another run, or extended since it was read
            raise
    return ended


@transaction.atomic
def mentorship_decide(
    *, mentorship: Mentorship, by: User, answer: str, today: datetime.date | None = None
) -> MentorshipDecision:
    """A partner answers the question the program asks the pair now.

    “Extend” continues the pair for the program's extension period, through the
    extend service; “close” lets it end at the planned end (at once there if
    both chose it, otherwise after the grace days). WTAP's “continue or end” is
    recorded; when both partners chose to end, the pair ends, completed.
    """
    today = today or timezone.localdate()
    mentorship = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("program", "mentor", "mentee")
        .get(pk=mentorship.pk)
    )
    partner_check(mentorship=mentorship, by=by, refusal=ONLY_THE_PAIR, ended=MENTORSHIP_NOT_ACTIVE)
    asked = open_question(mentorship=mentorship, today=today)
    if asked is None:
        raise RuleViolation(NOTHING_TO_ANSWER, code="nothing_asked")
    allowed = DECISION_ANSWERS[DecisionQuestion(asked.question)]
    if answer not in allowed:
        raise RuleViolation(
            NOT_AN_ANSWER.format(answers=", ".join(DecisionAnswer(a).label.lower() for a in allowed)),
            code="answer",
            field="answer",
        )
    given = asked.answer_of(by)
    if given is not None:
        raise RuleViolation(ALREADY_ANSWERED.format(answer=DecisionAnswer(given).label.lower()), code="answered")
    decision = MentorshipDecision.objects.create(
        mentorship=mentorship, user=by, question=asked.question, term=asked.term, answer=answer
    )
    program = mentorship.program
    partner = mentorship.partner_of(by)
    url = mentorship.get_absolute_url()
    answers = {**asked.answers, by.pk: answer}
    other = answers.get(partner.pk)

    if answer == DecisionAnswer.EXTEND:
        mentorship = mentorship_extend(mentorship=mentorship, by=by, months=program.extension_months)
        notify(
            user=partner,
            subject=f"{by.display_name} extended your mentorship",
            body=f"{by.display_name} extended your {program.short_name} mentorship by {program.extension_months} "
            f"months: it now runs to {date_text(mentorship.planned_end_on)}.",
            url=url,
        )
    elif answer == DecisionAnswer.CLOSE:
        if other == DecisionAnswer.CLOSE:
            body = (
                f"You both chose to close your {program.short_name} mentorship: it ends on its planned end, "
                f"{date_text(asked.term)}."
            )
        else:
            last_day = end_due_on(mentorship=mentorship)
            body = (
                f"{by.display_name} would close your {program.short_name} mentorship at its planned end, "
                f"{date_text(asked.term)}. To continue, choose “extend” on the mentorship page before "
                f"{date_text(last_day)}; otherwise it ends then."
            )
        notify(user=partner, subject=f"{by.display_name} answered “extend or close”", body=body, url=url)
    else:
        # WTAP: “mutually agreed to end or continue”.
        if other is None:
            body = (
                f"{by.display_name} chose to {DecisionAnswer(answer).label.lower()} your {program.short_name} "
                "mentorship at the evaluation after the initial period. Give your answer on the mentorship page."
            )
        elif other == answer:
            body = f"You both chose to {DecisionAnswer(answer).label.lower()} your {program.short_name} mentorship."
        else:
            body = (
                f"{by.display_name} chose to {DecisionAnswer(answer).label.lower()}, you chose to "
                f"{DecisionAnswer(other).label.lower()}: talk it over. Either of you may still end the mentorship "
                "(no-fault termination); the coordinator has been told."
            )
            _tell_coordinators(mentorship=mentorship, answers=answers)
        if other == answer == DecisionAnswer.END:
            mentorship_end(mentorship=mentorship, by=by, reason=BOTH_CHOSE_TO_END, completed=True, today=today)
        else:
            notify(user=partner, subject=f"{by.display_name} answered “continue or end”", body=body, url=url)
    return decision


def _tell_coordinators(*, mentorship: Mentorship, answers: dict[int, str]) -> None:
    program = mentorship.program
    said = "; ".join(
        f"{person.display_name}: {DecisionAnswer(answers[person.pk]).label.lower()}"
        for person in (mentorship.mentor, mentorship.mentee)
    )
    coordinators = User.objects.filter(
        pk__in=ProgramCoordinator.objects.filter(program=program).values("user_id"), is_active=True
    )
    for coordinator in coordinators:
        notify(
            user=coordinator,
            subject=f"{program.short_name}: a pair disagrees at its evaluation",
            body=f"Asked to continue or end after the initial period, {mentorship.mentor.display_name} and "
            f"{mentorship.mentee.display_name} answered differently ({said}).",
            url=reverse("admin:mentorship_mentorship_change", args=[mentorship.pk]),
        )
