"""Reads of mentorships for the pair and the program's coordinators, and what
needs a person's attention next."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from programs import rules
from programs.formats import date_text
from programs.selectors import coordinated_program_ids

from ..models import DecisionQuestion, Mentorship
from .lifecycle import open_question


def mentorship_get_for_user(*, user, pk: int, participants_only: bool = False, role: str | None = None) -> Mentorship:
    """The pair sees their mentorship; the program's coordinators too (never private
    notes), unless `participants_only`; with `role`, only that partner (the mentee
    writes the goals document). 404 for anyone else."""
    try:
        mentorship = Mentorship.objects.select_related(
            "program", "cohort", "mentor__profile", "mentee__profile", "ended_by"
        ).get(pk=pk)
    except Mentorship.DoesNotExist:
        raise Http404("No such mentorship.")
    if role is not None:
        if mentorship.role_of(user) == role:
            return mentorship
        raise Http404("No such mentorship.")
    if mentorship.is_partner(user):
        return mentorship
    if not participants_only and mentorship.program_id in coordinated_program_ids(user=user):
        return mentorship
    raise Http404("No such mentorship.")


def mentorships_for_user(*, user) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("program", "cohort", "mentor__profile", "mentee__profile")
        .order_by("state", "-started_on")
    )


def due_items(*, user, mentorships, pending_received) -> list[dict]:
    """What needs the person's attention next, most urgent first."""
    items = []
    for invitation in pending_received:
        items.append(
            {
                "text": f"Answer {invitation.mentee.display_name}'s invitation before "
                f"{date_text(invitation.expires_at)}",
                "url": invitation.get_absolute_url(),
                "when": invitation.expires_at.date(),
            }
        )
    for mentorship in mentorships:
        if not mentorship.is_active:
            continue
        program = mentorship.program
        if mentorship_needs_duration(mentorship=mentorship):
            items.append(
                {
                    "text": f"Record the duration you agree with {mentorship.partner_of(user).display_name}"
                    + (" at the discovery call" if program.requires_discovery_call else ""),
                    "url": mentorship.get_absolute_url(),
                    "when": mentorship.started_on,
                }
            )
        asked = open_question(mentorship=mentorship, today=timezone.localdate())
        if asked is not None and asked.answer_of(user) is None:
            partner = mentorship.partner_of(user).display_name
            items.append(
                {
                    "text": f"Extend or close your mentorship with {partner}? It reaches its planned end on "
                    f"{date_text(asked.term)}"
                    if asked.question == DecisionQuestion.EXTEND_OR_CLOSE
                    else f"Continue or end your mentorship with {partner}? {program.short_name} asks you both",
                    "url": mentorship.get_absolute_url() + "#decision",
                    "when": asked.term,
                }
            )
        for extra in getattr(mentorship, "due_extra", []):
            items.append(extra)
    return sorted(items, key=lambda item: item["when"])


def mentorship_needs_duration(*, mentorship: Mentorship) -> bool:
    """An active pair whose program leaves the duration to them has not recorded it yet."""
    return (
        mentorship.is_active
        and rules.duration_agreed_per_pair(program=mentorship.program)
        and mentorship.agreed_duration_months is None
    )
