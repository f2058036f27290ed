"""The mentee's goals document, under the program's own name.

AAHPM calls it the Mentoring Worksheet, HHS the IDP, KY the Connections
Development Plan (`Program.goals_document_name`). The mentee owns it and is the
only one who writes it; the mentor reads it once the mentee shares it. AAHPM:
"This worksheet or any notes should be shared to the Mentors after the
discovery call" (`goals_shared_after_discovery_call`), so there sharing waits
for a held discovery call. Coordinators never read goals: they see a count.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from programs.errors import RuleViolation

from ..models import Goal, GoalStatus, Mentorship, User
from ..selectors.goals import document_name, goals_share_waits_for_discovery, mentorship_goals_url
from .access import partner_check
from .notifications import notify

ONLY_THE_MENTEE = "Only the mentee writes the {document}; the mentor reads it once it is shared."
MENTORSHIP_ENDED = "This mentorship has ended, so the {document} can no longer be changed."
TITLE_REQUIRED = "Give the goal a short title."
ALREADY_SHARED = "The {document} is already shared with {mentor}."
NOTHING_TO_SHARE = "Add at least one goal before sharing the {document}."
SHARE_AFTER_DISCOVERY = (
    "In {program} the {document} is shared with the mentor after the discovery call. Log the discovery call first."
)


def _check_mentee(mentorship: Mentorship, by: User) -> None:
    document = document_name(mentorship)
    partner_check(
        mentorship=mentorship,
        by=by,
        role="mentee",
        refusal=ONLY_THE_MENTEE.format(document=document),
        ended=MENTORSHIP_ENDED.format(document=document),
    )


def _fields(title: str, description: str, target_date, status: str, progress_notes: str) -> dict:
    if not title.strip():
        raise RuleViolation(TITLE_REQUIRED, code="title")
    return {
        "title": title.strip(),
        "description": description.strip(),
        "target_date": target_date,
        "status": status,
        "progress_notes": progress_notes.strip(),
    }


@transaction.atomic
def goal_create(
    *,
    mentorship: Mentorship,
    by: User,
    title: str,
    description: str = "",
    target_date: datetime.date | None = None,
    status: str = GoalStatus.NOT_STARTED,
    progress_notes: str = "",
) -> Goal:
    _check_mentee(mentorship, by)
    goal = Goal(mentorship=mentorship, **_fields(title, description, target_date, status, progress_notes))
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    by: User,
    title: str,
    description: str = "",
    target_date: datetime.date | None = None,
    status: str = GoalStatus.NOT_STARTED,
    progress_notes: str = "",
) -> Goal:
    _check_mentee(goal.mentorship, by)
    for name, value in _fields(title, description, target_date, status, progress_notes).items():
        setattr(goal, name, value)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, by: User) -> None:
    _check_mentee(goal.mentorship, by)
    goal.delete()


@transaction.atomic
def goals_share(*, mentorship: Mentorship, by: User, now: datetime.datetime | None = None) -> Mentorship:
    """The mentee shares the goals document with the mentor, for good."""
    now = now or timezone.now()
    mentorship = Mentorship.objects.select_for_update().select_related("program", "mentor").get(pk=mentorship.pk)
    program = mentorship.program
    document = document_name(mentorship)
    _check_mentee(mentorship, by)
    if mentorship.goals_shared_at:
        raise RuleViolation(ALREADY_SHARED.format(document=document, mentor=mentorship.mentor.display_name), code="shared")
    if not mentorship.goals.exists():
        raise RuleViolation(NOTHING_TO_SHARE.format(document=document), code="empty")
    if goals_share_waits_for_discovery(mentorship=mentorship):
        raise RuleViolation(SHARE_AFTER_DISCOVERY.format(program=program.short_name, document=document), code="discovery")
    mentorship.goals_shared_at = now
    mentorship.save(update_fields=["goals_shared_at"])
    notify(
        user=mentorship.mentor,
        subject=f"{by.display_name} shared their {document}",
        body=f"{by.display_name} shared their {document} with you in {program.name}.",
        url=mentorship_goals_url(mentorship),
        essential=False,
    )
    return mentorship


# ---------------------------------------------------------------------------
# Reads that authorise
# ---------------------------------------------------------------------------
