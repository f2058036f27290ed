"""Invitations: a mentee asks a mentor, who accepts or declines; unanswered ones expire."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from programs.errors import RuleViolation
from programs.formats import date_text, datetime_text
from programs.models import Program

from ..models import Invitation, InvitationSource, InvitationState, Mentorship, MentorshipOrigin, User
from .mentorships import NOT_YOUR_INVITATION, _mentorship_create
from .notifications import notify
from .pairing import (
    DUPLICATE_PENDING,
    INVITE_YOURSELF,
    MENTEE_NOT_APPROVED,
    NOT_SELF_SELECTION,
    MentorAtCapacity,
    _check_pair,
    _lock_people,
    mentee_cohort,
    pair_check,
)

INVITATION_NOT_PENDING = "This invitation is already {state}."


@transaction.atomic
def invitation_send(
    *,
    mentee: User,
    mentor: User,
    program: Program,
    message: str,
    source: str = InvitationSource.DIRECTORY,
    now: datetime.datetime | None = None,
) -> Invitation:
    """A mentee invites a mentor (self-selection programs only)."""
    now = now or timezone.now()
    if not program.allows_self_selection:
        raise RuleViolation(
            NOT_SELF_SELECTION.format(
                program=program.short_name,
                how=program.pairing_description or "pairs are formed for you.",
                coordinator=program.coordinator_title,
            ),
            code="method",
        )
    if mentor.pk == mentee.pk:
        raise RuleViolation(INVITE_YOURSELF, code="self")
    _lock_people(mentee, mentor)
    cohort = mentee_cohort(mentee=mentee, program=program)
    if cohort is None:
        raise RuleViolation(MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name), code="not_approved")
    if Invitation.objects.filter(cohort=cohort, mentee=mentee, mentor=mentor, state=InvitationState.PENDING).exists():
        raise RuleViolation(DUPLICATE_PENDING.format(mentor=mentor), code="duplicate")
    _check_pair(program=program, cohort=cohort, mentor=mentor, mentee=mentee, today=timezone.localdate(now))
    invitation = Invitation(
        program=program,
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        message=message.strip(),
        source=source,
        created_at=now,
        expires_at=now + datetime.timedelta(days=program.invitation_expiry_days),
    )
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise RuleViolation(DUPLICATE_PENDING.format(mentor=mentor), code="duplicate")
    notify(
        user=mentor,
        subject=f"{mentee.display_name} invites you to be their mentor ({program.short_name})",
        body=(
            f"{mentee.display_name} would like you to be their mentor in {program.name}.\n\n"
            f"What they want to work on:\n{invitation.message}\n\n"
            f"Please accept or decline by {date_text(invitation.expires_at)}."
        ),
        url=invitation.get_absolute_url(),
    )
    return invitation


def _lock_invitation(invitation: Invitation) -> Invitation:
    """Lock the invitation after its two people: the order every service takes.

    A service that locked the invitation first and then needed a person's row
    — the foreign-key check of the notification it writes takes a share lock
    on the mentee's row at commit — deadlocked on PostgreSQL with an accept of
    the same invitation, which holds the people and waits for the invitation.
    """
    _lock_people(invitation.mentor, invitation.mentee)
    return Invitation.objects.select_for_update(of=("self",)).select_related("program", "cohort", "mentor", "mentee").get(
        pk=invitation.pk
    )


class _PastItsDate(Exception):
    """Raised inside the accept's transaction, before it writes anything."""


def invitation_accept(*, invitation: Invitation, by: User, now: datetime.datetime | None = None) -> Mentorship:
    """The mentor accepts: an active mentorship starts, the mentee's other pending
    invitations in the program are withdrawn.

    An invitation past its date is expired (and the mentee told) by the same
    service the hourly task uses, in a transaction of its own: the refusal that
    follows must not roll the expiry back.
    """
    now = now or timezone.now()
    try:
        return _invitation_accept(invitation=invitation, by=by, now=now)
    except _PastItsDate:
        invitation_expire(invitation=invitation, now=now)
        raise RuleViolation(INVITATION_NOT_PENDING.format(state=InvitationState.EXPIRED.label.lower()), code="state")


@transaction.atomic
def _invitation_accept(*, invitation: Invitation, by: User, now: datetime.datetime) -> Mentorship:
    invitation = _lock_invitation(invitation)
    if by.pk != invitation.mentor_id:
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the invited mentor"), code="forbidden")
    if invitation.state == InvitationState.PENDING and invitation.expires_at <= now:
        raise _PastItsDate
    if invitation.state != InvitationState.PENDING:
        raise RuleViolation(INVITATION_NOT_PENDING.format(state=invitation.get_state_display().lower()), code="state")
    try:
        mentorship = _mentorship_create(
            program=invitation.program,
            cohort=invitation.cohort,
            mentor=invitation.mentor,
            mentee=invitation.mentee,
            origin=MentorshipOrigin.INVITATION,
            created_by=by,
            invitation=invitation,
            today=timezone.localdate(now),
        )
    except MentorAtCapacity as full:
        # The mentor is the one reading it: "You already mentor…", not their own name.
        raise full.for_reader(by) from None
    invitation.state = InvitationState.ACCEPTED
    invitation.responded_at = now
    invitation.save(update_fields=["state", "responded_at"])
    return mentorship


def invitation_accept_refusal(*, invitation: Invitation, reader: User, today: datetime.date | None = None) -> str:
    """Why accepting this pending invitation would be refused now, in the
    reader's words; "" when nothing stands in the way. The invitation page
    asks it to disable Accept with the reason beside it, so the rule is the
    pair check's, as the accept itself applies it."""
    try:
        pair_check(
            program=invitation.program,
            mentor=invitation.mentor,
            mentee=invitation.mentee,
            cohort=invitation.cohort,
            today=today,
        )
    except MentorAtCapacity as full:
        return full.for_reader(reader).message
    except RuleViolation as error:
        return error.message
    return ""


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by: User, reason: str = "", now=None) -> Invitation:
    now = now or timezone.now()
    invitation = _lock_invitation(invitation)
    if by.pk != invitation.mentor_id:
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the invited mentor"), code="forbidden")
    if invitation.state != InvitationState.PENDING:
        raise RuleViolation(INVITATION_NOT_PENDING.format(state=invitation.get_state_display().lower()), code="state")
    invitation.state = InvitationState.DECLINED
    invitation.decline_reason = reason.strip()
    invitation.responded_at = now
    invitation.save(update_fields=["state", "decline_reason", "responded_at"])
    body = f"{invitation.mentor.display_name} cannot be your mentor in {invitation.program.name} this time."
    if invitation.decline_reason:
        body += f"\n\nTheir reason: {invitation.decline_reason}"
    notify(
        user=invitation.mentee,
        subject=f"{invitation.mentor.display_name} declined your invitation",
        body=body + "\n\nYou can invite another mentor from the directory.",
        url=invitation.get_absolute_url(),
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User, now=None) -> Invitation:
    now = now or timezone.now()
    invitation = _lock_invitation(invitation)
    if by.pk != invitation.mentee_id:
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the mentee who sent it"), code="forbidden")
    if invitation.state != InvitationState.PENDING:
        raise RuleViolation(INVITATION_NOT_PENDING.format(state=invitation.get_state_display().lower()), code="state")
    invitation.state = InvitationState.WITHDRAWN
    invitation.responded_at = now
    invitation.save(update_fields=["state", "responded_at"])
    return invitation


@transaction.atomic
def invitation_expire(*, invitation: Invitation, now: datetime.datetime | None = None) -> bool:
    """Expire a pending invitation past its date and tell the mentee; False if it
    was answered meanwhile or is not yet due. Claimed by a conditional UPDATE, so
    the hourly task and an accept racing it expire it once."""
    now = now or timezone.now()
    _lock_people(invitation.mentor, invitation.mentee)  # the services' order: people, then the invitation
    if not Invitation.objects.filter(pk=invitation.pk, state=InvitationState.PENDING, expires_at__lte=now).update(
        state=InvitationState.EXPIRED
    ):
        return False
    notify(
        user=invitation.mentee,
        subject=f"Your invitation to {invitation.mentor.display_name} expired",
        body=(
            f"{invitation.mentor.display_name} did not answer within "
            f"{invitation.program.invitation_expiry_days} days. You can invite another mentor."
        ),
        url=invitation.get_absolute_url(),
    )
    return True


def invitations_expire(*, now: datetime.datetime | None = None, remind_hours_before: int = 48) -> dict:
    """Expire invitations past their date and remind mentors once before expiry.

    Each reminder is claimed by setting `expiry_reminder_sent_at` in the same
    UPDATE that finds it, so a second run (or a second beat) sends nothing.
    """
    now = now or timezone.now()
    expired = 0
    for invitation in Invitation.objects.filter(state=InvitationState.PENDING, expires_at__lte=now).select_related(
        "mentee", "mentor", "program"
    ):
        expired += invitation_expire(invitation=invitation, now=now)
    reminded = 0
    soon = now + datetime.timedelta(hours=remind_hours_before)
    for invitation in Invitation.objects.filter(
        state=InvitationState.PENDING, expires_at__gt=now, expires_at__lte=soon, expiry_reminder_sent_at__isnull=True
    ).select_related("mentee", "mentor", "program"):
        with transaction.atomic():
            if Invitation.objects.filter(pk=invitation.pk, expiry_reminder_sent_at__isnull=True).update(
                expiry_reminder_sent_at=now
            ):
                reminded += 1
                notify(
                    user=invitation.mentor,
                    subject=f"Reminder: {invitation.mentee.display_name}'s invitation expires soon",
                    body=(
                        f"{invitation.mentee.display_name} invited you to be their mentor in "
                        f"{invitation.program.name}. The invitation expires on "
                        f"{datetime_text(invitation.expires_at)}."
                    ),
                    url=invitation.get_absolute_url(),
                )
    return {"expired": expired, "reminded": reminded}
