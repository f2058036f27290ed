"""Mentorships: a pair formed by a coordinator, a match run or an accepted
invitation, then ended, extended, given its agreed duration or reassigned.

Every rule about who may be paired with whom is checked in services/pairing.py,
which every way of forming a pair goes through.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from programs import rules
from programs.errors import RuleViolation
from programs.formats import date_text, datetime_text
from programs.models import Cohort, Program

from ..models import (
    Invitation,
    InvitationState,
    MeetingKind,
    Mentorship,
    MentorshipOrigin,
    MentorshipState,
    User,
)
from ..selectors.lifecycle import end_due_on
from ..selectors.meetings import has_held_meeting
from .access import ONLY_THE_COORDINATOR, is_coordinator_of, partner_or_coordinator
from .meetings import meetings_cancel_after_end
from .notifications import notify
from .pairing import (
    MENTEE_NOT_APPROVED,
    SOFT_RULES,
    _check_pair,
    _lock_people,
    mentee_cohort,
    mentor_at_capacity,
)

NOT_YOUR_INVITATION = "Only {who} can do that."
EARLY_END_TOO_SOON = (
    "{program} lets either partner end a mentorship only after {months} months: from {date}. Until then the "
    "{coordinator} can help — talk to them first."
)
WRAPUP_REQUIRED = "{program} asks for a wrap-up call before a mentorship is completed. Log the wrap-up call first."
DISCOVERY_REQUIRED_FOR_DURATION = (
    "Agree the duration during the discovery call: log the discovery call first, then record the duration."
)
DURATION_FIXED = "{program} sets the duration ({duration}); it is not agreed per pair."
NOT_EXTENDABLE = "{program} does not extend mentorships past their planned end."
MENTORSHIP_NOT_ACTIVE = "This mentorship has already ended."
END_NOT_DUE = "This mentorship's planned end has not come: it runs on."
REASON_REQUIRED = "Please give a reason; it is recorded with the mentorship."
OVERRIDE_REASON_REQUIRED = "{problem} To pair them anyway, give an override reason."


# ---------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Pairing rules
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Mentorships
# ---------------------------------------------------------------------------


def _mentorship_create(
    *,
    program: Program,
    cohort: Cohort,
    mentor: User,
    mentee: User,
    origin: str,
    created_by: User | None,
    invitation: Invitation | None = None,
    override_reason: str = "",
    skip: frozenset = frozenset(),
    today: datetime.date,
) -> Mentorship:
    _check_pair(program=program, cohort=cohort, mentor=mentor, mentee=mentee, today=today, skip=skip)
    active = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE)
    mentor_slot = rules.free_slot(
        used=set(active.filter(mentor=mentor).values_list("mentor_slot", flat=True)),
        cap=program.max_mentees_per_mentor,
    )
    mentee_slot = rules.free_slot(
        used=set(active.filter(mentee=mentee).values_list("mentee_slot", flat=True)),
        cap=program.max_mentors_per_mentee,
    )
    mentorship = Mentorship(
        program=program,
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        origin=origin,
        invitation=invitation,
        mentor_slot=mentor_slot,
        mentee_slot=mentee_slot,
        started_on=today,
        planned_end_on=rules.planned_end(program=program, cohort_ends_on=cohort.ends_on, started_on=today),
        override_reason=override_reason,
        created_by=created_by,
    )
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError:
        # The slot constraints caught a race the lock did not: refuse cleanly.
        raise mentor_at_capacity(program=program, mentor=mentor)
    # Accepting one mentor withdraws the mentee's other pending invitations once
    # the mentee has all the mentors the program allows.
    if active.filter(mentee=mentee).count() >= program.max_mentors_per_mentee:
        pending = Invitation.objects.filter(program=program, mentee=mentee, state=InvitationState.PENDING)
        if invitation is not None:
            pending = pending.exclude(pk=invitation.pk)
        for other in pending.select_related("mentor"):
            other.state = InvitationState.WITHDRAWN
            other.responded_at = timezone.now()
            other.save(update_fields=["state", "responded_at"])
            notify(
                user=other.mentor,
                subject=f"{mentee.display_name}'s invitation was withdrawn",
                body=f"{mentee.display_name} has found a mentor in {program.name}; no answer is needed.",
                url=other.get_absolute_url(),
                essential=False,
            )
    url = mentorship.get_absolute_url()
    notify(
        user=mentee,
        subject=f"{mentor.display_name} is your mentor in {program.short_name}",
        body=f"Your mentorship with {mentor.display_name} in {program.name} has started. Plan your first meeting.",
        url=url,
    )
    notify(
        user=mentor,
        subject=f"You are mentoring {mentee.display_name} in {program.short_name}",
        body=f"Your mentorship with {mentee.display_name} in {program.name} has started.",
        url=url,
    )
    return mentorship


@transaction.atomic
def mentorship_create(
    *,
    program: Program,
    mentor: User,
    mentee: User,
    by: User | None,
    cohort: Cohort | None = None,
    origin: str = MentorshipOrigin.COORDINATOR,
    override_reason: str = "",
    today: datetime.date | None = None,
) -> Mentorship:
    """A coordinator, committee, sponsor or match run pairs two people.

    With an override reason, the soft rules (not yet approved, paired before,
    platform) may be set aside; capacity, supervisor chain and dual role never.
    """
    today = today or timezone.localdate()
    _lock_people(mentor, mentee)
    cohort = cohort or mentee_cohort(mentee=mentee, program=program)
    if cohort is None:
        cohort = (
            program.cohorts.filter(Cohort.running_q(today)).order_by("-starts_on").first()
            if override_reason.strip()
            else None
        )
        if cohort is None:
            # Not approved is a soft rule: tell the coordinator they may override it.
            problem = MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name)
            raise RuleViolation(
                OVERRIDE_REASON_REQUIRED.format(problem=problem) if not override_reason.strip() else problem,
                code="not_approved",
            )
    skip = frozenset(SOFT_RULES) if override_reason.strip() else frozenset()
    try:
        _check_pair(program=program, cohort=cohort, mentor=mentor, mentee=mentee, today=today, skip=skip)
    except RuleViolation as error:
        if error.code in SOFT_RULES:
            raise RuleViolation(OVERRIDE_REASON_REQUIRED.format(problem=error.message), code=error.code)
        raise
    return _mentorship_create(
        program=program,
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        origin=origin,
        created_by=by,
        override_reason=override_reason.strip(),
        skip=skip,
        today=today,
    )


def early_end_from(*, mentorship: Mentorship) -> datetime.date | None:
    return rules.early_end_allowed_from(program=mentorship.program, started_on=mentorship.started_on)


@transaction.atomic
def mentorship_end(
    *,
    mentorship: Mentorship,
    by: User | None,
    reason: str,
    completed: bool = False,
    today: datetime.date | None = None,
) -> Mentorship:
    """End a mentorship: completed as planned, or ended early with a reason.

    HHS: either partner may end only after 3 months (the coordinator any time,
    having given guidance). AAHPM: completing asks for the wrap-up call first.
    WTAP: no-fault termination by either party at any time.

    `by=None` is the program itself, when the pair's time is up (lifecycle's
    `mentorships_end_due`): it ends the pair on its last day (`end_due_on`, never
    after `today`) and refuses a pair whose end is not due, such as one a partner
    has just extended. Either way, meetings still scheduled after the end are
    cancelled and both partners are told.
    """
    today = today or timezone.localdate()
    mentorship = Mentorship.objects.select_for_update(of=("self",)).select_related("program").get(pk=mentorship.pk)
    program = mentorship.program
    if mentorship.state != MentorshipState.ACTIVE:
        raise RuleViolation(MENTORSHIP_NOT_ACTIVE, code="state")
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason")
    if by is None:
        ended_on = end_due_on(mentorship=mentorship)
        if ended_on is None or ended_on > today:
            raise RuleViolation(END_NOT_DUE, code="not_due")
    else:
        ended_on = today
        partner_or_coordinator(mentorship=mentorship, by=by)
        # The coordinator may end a pair at any time, having given guidance.
        is_coordinator = is_coordinator_of(user=by, program=program)
        if completed:
            if program.requires_wrapup_call and not has_held_meeting(mentorship=mentorship, kind=MeetingKind.WRAPUP):
                raise RuleViolation(WRAPUP_REQUIRED.format(program=program.short_name), code="wrapup")
        if not is_coordinator:
            # Calling an end before the planned end "completed" does not make it allowed sooner.
            allowed_from = early_end_from(mentorship=mentorship)
            planned = mentorship.planned_end_on
            ending_before_plan = planned is None or today < planned
            if allowed_from and today < allowed_from and ending_before_plan:
                raise RuleViolation(
                    EARLY_END_TOO_SOON.format(
                        program=program.short_name,
                        months=program.early_end_after_months,
                        date=date_text(allowed_from),
                        coordinator=program.coordinator_title,
                    ),
                    code="too_soon",
                )
    mentorship.state = MentorshipState.COMPLETED if completed else MentorshipState.ENDED_EARLY
    mentorship.ended_on = ended_on
    mentorship.end_reason = reason.strip()
    mentorship.ended_by = by
    mentorship.save(update_fields=["state", "ended_on", "end_reason", "ended_by"])
    now = timezone.now()
    cancelled = meetings_cancel_after_end(mentorship=mentorship, now=now)
    upcoming = [m for m in cancelled if m.starts_at > now]
    if upcoming:
        cancelled_line = " Cancelled with it: " + "; ".join(
            f"{m.get_kind_display().lower()} on {datetime_text(m.starts_at)}" for m in upcoming
        ) + "."
    else:
        cancelled_line = ""
    for person in (mentorship.mentor, mentorship.mentee):
        if by is not None and person.pk == by.pk:
            continue
        if by is None:
            partner = mentorship.partner_of(person)
            body = (
                f"Your mentorship with {partner.display_name} in {program.name} ended on "
                f"{date_text(ended_on)}: {mentorship.end_reason}{cancelled_line}"
                + (" You may apply for the next program year." if program.ends_with_cohort else "")
            )
            # Told by email on the day it ends (the beat runs daily); an end caught up
            # later is on the site, and mailed only if it cancels a meeting still to come.
            notify(
                user=person,
                subject=f"Your mentorship in {program.short_name} has ended",
                body=body,
                url=mentorship.get_absolute_url(),
                email=ended_on == today or bool(upcoming),
            )
        else:
            notify(
                user=person,
                subject=f"Your mentorship in {program.short_name} has ended",
                body=f"{by.display_name} ended the mentorship: {mentorship.end_reason}{cancelled_line}",
                url=mentorship.get_absolute_url(),
            )
    return mentorship


@transaction.atomic
def mentorship_set_duration(*, mentorship: Mentorship, by: User, months: int) -> Mentorship:
    """AAHPM: the pair agrees the duration during the discovery call and records it."""
    mentorship = Mentorship.objects.select_for_update(of=("self",)).select_related("program").get(pk=mentorship.pk)
    program = mentorship.program
    partner_or_coordinator(mentorship=mentorship, by=by)
    if mentorship.state != MentorshipState.ACTIVE:
        raise RuleViolation(MENTORSHIP_NOT_ACTIVE, code="state")
    if not rules.duration_agreed_per_pair(program=program):
        duration = f"{program.duration_months} months" if program.duration_months else "the program year"
        raise RuleViolation(DURATION_FIXED.format(program=program.short_name, duration=duration), code="fixed")
    if program.requires_discovery_call and not has_held_meeting(mentorship=mentorship, kind=MeetingKind.DISCOVERY):
        raise RuleViolation(DISCOVERY_REQUIRED_FOR_DURATION, code="discovery")
    if not 1 <= months <= 60:
        raise RuleViolation("Choose a duration between 1 and 60 months.", code="range")
    mentorship.agreed_duration_months = months
    mentorship.planned_end_on = rules.add_months(mentorship.started_on, months)
    mentorship.save(update_fields=["agreed_duration_months", "planned_end_on"])
    return mentorship


@transaction.atomic
def mentorship_extend(*, mentorship: Mentorship, by: User, months: int) -> Mentorship:
    """HPMSNJ, HHS and WTAP pairs may continue past the planned end."""
    mentorship = Mentorship.objects.select_for_update(of=("self",)).select_related("program").get(pk=mentorship.pk)
    program = mentorship.program
    partner_or_coordinator(mentorship=mentorship, by=by)
    if mentorship.state != MentorshipState.ACTIVE:
        raise RuleViolation(MENTORSHIP_NOT_ACTIVE, code="state")
    if not program.extendable:
        raise RuleViolation(NOT_EXTENDABLE.format(program=program.short_name), code="not_extendable")
    if not 1 <= months <= 36:
        raise RuleViolation("Choose an extension between 1 and 36 months.", code="range")
    base = mentorship.planned_end_on or timezone.localdate()
    mentorship.planned_end_on = rules.add_months(base, months)
    mentorship.extended_count += 1
    mentorship.save(update_fields=["planned_end_on", "extended_count"])
    return mentorship


@transaction.atomic
def mentorship_reassign(
    *, mentorship: Mentorship, new_mentor: User, by: User, reason: str, override_reason: str = "", today=None
) -> Mentorship:
    """A coordinator moves a mentee to another mentor: the old pair ends early, a new one starts."""
    today = today or timezone.localdate()
    if not is_coordinator_of(user=by, program=mentorship.program):
        raise RuleViolation(ONLY_THE_COORDINATOR, code="forbidden")
    mentorship_end(mentorship=mentorship, by=by, reason=reason or "Reassigned by the coordinator.", today=today)
    return mentorship_create(
        program=mentorship.program,
        cohort=mentorship.cohort,
        mentor=new_mentor,
        mentee=mentorship.mentee,
        by=by,
        override_reason=override_reason,
        today=today,
    )
