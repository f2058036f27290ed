"""Where a live pair stands in its term: the day the program ends it, and the
question the program asks its partners now (“extend or close”, “continue or end”).

The rules are `programs.rules` (`end_due_on`, `extension_asked_from`,
`continuation_asked_on`); these reads add the pair's recorded answers. The
ending service, the planner of the asks, the pair's page and the dashboard
all read them here.
"""

from __future__ import annotations

import dataclasses
import datetime

from programs import rules

from ..models import DecisionAnswer, DecisionQuestion, Mentorship, MentorshipDecision, MentorshipState


@dataclasses.dataclass(frozen=True)
class OpenQuestion:
    """What the program asks the pair now, and what each partner has answered."""

    question: str
    term: datetime.date  # the planned end, or the evaluation day, it is about
    answers: dict[int, str]  # user id → answer

    @property
    def label(self) -> str:
        return DecisionQuestion(self.question).label

    def answer_of(self, user) -> str | None:
        return self.answers.get(user.pk)

    def both(self, mentorship: Mentorship, answer: str) -> bool:
        return all(self.answers.get(pk) == answer for pk in (mentorship.mentor_id, mentorship.mentee_id))


def _answers(mentorship: Mentorship, question: str, term: datetime.date) -> dict[int, str]:
    if "decisions" in getattr(mentorship, "_prefetched_objects_cache", {}):
        return {d.user_id: d.answer for d in mentorship.decisions.all() if d.question == question and d.term == term}
    return dict(
        MentorshipDecision.objects.filter(mentorship=mentorship, question=question, term=term).values_list(
            "user_id", "answer"
        )
    )


def closing_agreed(*, mentorship: Mentorship) -> bool:
    """Both partners chose to close at the planned end (so no grace period)."""
    if mentorship.planned_end_on is None:
        return False
    answers = _answers(mentorship, DecisionQuestion.EXTEND_OR_CLOSE, mentorship.planned_end_on)
    return all(answers.get(pk) == DecisionAnswer.CLOSE for pk in (mentorship.mentor_id, mentorship.mentee_id))


def end_due_on(*, mentorship: Mentorship) -> datetime.date | None:
    """The last day of a live pair, on which the program ends it; None = no planned end yet."""
    program = mentorship.program
    return rules.end_due_on(
        program=program,
        planned_end_on=mentorship.planned_end_on,
        both_chose_to_close=program.extendable and closing_agreed(mentorship=mentorship),
    )


def open_question(*, mentorship: Mentorship, today: datetime.date) -> OpenQuestion | None:
    """The question the program asks this live pair today, or None.

    “Extend or close” from the program's ask days before the planned end until
    the pair ends or extends; “continue or end” (WTAP) from the evaluation day
    until both partners have answered. Near its end a pair is asked about the end.
    """
    if mentorship.state != MentorshipState.ACTIVE:
        return None
    program = mentorship.program
    asked_from = rules.extension_asked_from(program=program, planned_end_on=mentorship.planned_end_on)
    if asked_from is not None and today >= asked_from:
        term = mentorship.planned_end_on
        return OpenQuestion(
            DecisionQuestion.EXTEND_OR_CLOSE, term, _answers(mentorship, DecisionQuestion.EXTEND_OR_CLOSE, term)
        )
    asked_on = rules.continuation_asked_on(program=program, started_on=mentorship.started_on)
    if asked_on is not None and today >= asked_on:
        answers = _answers(mentorship, DecisionQuestion.CONTINUE_OR_END, asked_on)
        if len(answers) < 2:
            return OpenQuestion(DecisionQuestion.CONTINUE_OR_END, asked_on, answers)
    return None


def decisions_of(*, mentorship: Mentorship) -> list[MentorshipDecision]:
    """Every answer the pair gave, newest term first, with who gave it."""
    return list(mentorship.decisions.select_related("user").order_by("-term", "answered_at"))
