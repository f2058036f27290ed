"""Meetings and calls: scheduling, logging, rescheduling, cancelling, notes.

Either partner schedules a meeting or logs one that happened. Shared notes are
for both partners; a private note is its author's alone. Coordinators see that
meetings happened and how long they lasted, never any notes: nothing here hands
notes to anyone but the pair, and the reads at the bottom authorise first.

AAHPM: "We recommend you give 48 hours' notice and reschedule the missed call
ASAP." Every reschedule and cancellation records the hours of notice given;
below the program's `reschedule_notice_hours` the pair is told so.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from programs.errors import RuleViolation
from programs.formats import date_text, datetime_text

from ..models import Meeting, MeetingKind, MeetingPrivateNote, MeetingStatus, Mentorship, User
from ..selectors.meetings import is_short_notice, notice_hours, short_notice_message
from .access import partner_check
from .notifications import notify

ONLY_THE_PAIR = "Only the mentor and the mentee of this mentorship can do that."
MENTORSHIP_ENDED = "This mentorship has ended, so no meetings can be added or changed."
SCHEDULE_IN_PAST = "That time has passed. To record a meeting that happened, log it instead."
LOG_IN_FUTURE = "That meeting has not happened yet. Schedule it instead, and mark it held afterwards."
BEFORE_START = "The mentorship started on {date}; a meeting before that cannot be logged here."
NOT_SCHEDULED = "This meeting is {status}; only a scheduled meeting can be {action}."
NOT_YET_HAPPENED = "This meeting starts on {when}; mark it held once it has happened."
RESCHEDULE_IN_PAST = "Choose a new time in the future."
RESCHEDULE_SAME_TIME = "That is the time it is already scheduled for."
# A meeting lasts a minute to a day (the database's meeting_duration_sane agrees);
# the meeting forms take their bounds and words from here.
MEETING_MINUTES_MIN, MEETING_MINUTES_MAX = 1, 24 * 60
DURATION_TOO_SHORT = "A meeting lasts at least 1 minute."
DURATION_TOO_LONG = "A meeting lasts at most 24 hours (1,440 minutes)."
DISCOVERY_ALREADY_HELD = "The discovery call was already logged on {date}; log this one as a check-in."


def _check_pair(mentorship: Mentorship, by: User, *, active: bool = True) -> None:
    partner_check(mentorship=mentorship, by=by, active=active, refusal=ONLY_THE_PAIR, ended=MENTORSHIP_ENDED)


def _check_duration(minutes: int) -> None:
    if minutes < MEETING_MINUTES_MIN:
        raise RuleViolation(DURATION_TOO_SHORT, code="duration", field="duration_minutes")
    if minutes > MEETING_MINUTES_MAX:
        raise RuleViolation(DURATION_TOO_LONG, code="duration", field="duration_minutes")


def _local(moment: datetime.datetime) -> str:
    return datetime_text(moment)


def _tell_partner(*, meeting: Meeting, by: User, subject: str, body: str) -> None:
    mentorship = meeting.mentorship
    notify(
        user=mentorship.partner_of(by),
        subject=subject,
        body=body,
        url=mentorship.get_absolute_url(),
        essential=False,
    )


def _discovery_check(mentorship: Mentorship, kind: str, exclude_pk: int | None = None) -> None:
    # One discovery call opens a mentorship (AAHPM): a second is a check-in, and
    # logging it as discovery would hide that the first was never held.
    if kind != MeetingKind.DISCOVERY:
        return
    held = mentorship.meetings.filter(kind=MeetingKind.DISCOVERY, status=MeetingStatus.HELD)
    if exclude_pk:
        held = held.exclude(pk=exclude_pk)
    first = held.order_by("starts_at").first()
    if first is not None:
        raise RuleViolation(
            DISCOVERY_ALREADY_HELD.format(date=date_text(first.starts_at)), code="discovery"
        )


def _meeting_create(
    *, mentorship, by, status, starts_at, duration_minutes, kind, mode, location, shared_notes, private_note
) -> Meeting:
    """The row both scheduling and logging write, with the author's private note beside it."""
    meeting = Meeting(
        mentorship=mentorship,
        kind=kind,
        mode=mode,
        status=status,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        shared_notes=shared_notes.strip(),
        created_by=by,
        uid=new_meeting_uid(),
    )
    meeting.full_clean()
    meeting.save()
    if private_note.strip():
        MeetingPrivateNote.objects.create(meeting=meeting, author=by, text=private_note.strip())
    return meeting


@transaction.atomic
def meeting_schedule(
    *,
    mentorship: Mentorship,
    by: User,
    starts_at: datetime.datetime,
    duration_minutes: int,
    kind: str = MeetingKind.CHECKIN,
    mode: str,
    location: str = "",
    shared_notes: str = "",
    private_note: str = "",
    now: datetime.datetime | None = None,
) -> Meeting:
    """Either partner puts a meeting in both calendars; the partner is told."""
    now = now or timezone.now()
    _check_pair(mentorship, by)
    _check_duration(duration_minutes)
    if starts_at <= now:
        raise RuleViolation(SCHEDULE_IN_PAST, code="past")
    meeting = _meeting_create(
        mentorship=mentorship,
        by=by,
        status=MeetingStatus.SCHEDULED,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        kind=kind,
        mode=mode,
        location=location,
        shared_notes=shared_notes,
        private_note=private_note,
    )
    _tell_partner(
        meeting=meeting,
        by=by,
        subject=f"{by.display_name} scheduled a {meeting.get_kind_display().lower()}",
        body=f"{meeting.get_kind_display()} ({meeting.get_mode_display().lower()}, {duration_minutes} minutes) on "
        f"{_local(starts_at)}.",
    )
    return meeting


@transaction.atomic
def meeting_log(
    *,
    mentorship: Mentorship,
    by: User,
    starts_at: datetime.datetime,
    duration_minutes: int,
    kind: str = MeetingKind.CHECKIN,
    mode: str,
    location: str = "",
    shared_notes: str = "",
    private_note: str = "",
    now: datetime.datetime | None = None,
) -> Meeting:
    """Record a meeting that happened: it counts towards contact hours and milestones."""
    now = now or timezone.now()
    _check_pair(mentorship, by)
    _check_duration(duration_minutes)
    if starts_at > now:
        raise RuleViolation(LOG_IN_FUTURE, code="future")
    if timezone.localtime(starts_at).date() < mentorship.started_on:
        raise RuleViolation(BEFORE_START.format(date=date_text(mentorship.started_on)), code="before_start")
    _discovery_check(mentorship, kind)
    meeting = _meeting_create(
        mentorship=mentorship,
        by=by,
        status=MeetingStatus.HELD,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        kind=kind,
        mode=mode,
        location=location,
        shared_notes=shared_notes,
        private_note=private_note,
    )
    _tell_partner(
        meeting=meeting,
        by=by,
        subject=f"{by.display_name} logged a {meeting.get_kind_display().lower()}",
        body=f"{meeting.get_kind_display()} on {_local(starts_at)}, {duration_minutes} minutes.",
    )
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("mentorship__program").get(pk=meeting.pk)


@transaction.atomic
def meeting_mark_held(
    *,
    meeting: Meeting,
    by: User,
    duration_minutes: int | None = None,
    now: datetime.datetime | None = None,
) -> Meeting:
    """A scheduled meeting happened (perhaps shorter or longer than planned)."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    _check_pair(meeting.mentorship, by)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise RuleViolation(
            NOT_SCHEDULED.format(status=meeting.get_status_display().lower(), action="marked held"), code="state"
        )
    if meeting.starts_at > now:
        raise RuleViolation(NOT_YET_HAPPENED.format(when=_local(meeting.starts_at)), code="future")
    _discovery_check(meeting.mentorship, meeting.kind, exclude_pk=meeting.pk)
    if duration_minutes is not None:
        _check_duration(duration_minutes)
        meeting.duration_minutes = duration_minutes
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status", "duration_minutes", "updated_at"])
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by: User,
    starts_at: datetime.datetime,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Meeting:
    """Move a scheduled meeting; the hours of notice given are recorded.

    The notice is counted to the meeting's old start: that is the time the
    partner had kept free.
    """
    now = now or timezone.now()
    meeting = _locked(meeting)
    mentorship = meeting.mentorship
    _check_pair(mentorship, by)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise RuleViolation(
            NOT_SCHEDULED.format(status=meeting.get_status_display().lower(), action="rescheduled"), code="state"
        )
    if starts_at <= now:
        raise RuleViolation(RESCHEDULE_IN_PAST, code="past")
    if starts_at == meeting.starts_at:
        raise RuleViolation(RESCHEDULE_SAME_TIME, code="same")
    old = meeting.starts_at
    meeting.last_change_notice_hours = notice_hours(starts_at=old, now=now)
    meeting.starts_at = starts_at
    meeting.rescheduled_count += 1
    meeting.save(update_fields=["starts_at", "rescheduled_count", "last_change_notice_hours", "updated_at"])
    body = f"{meeting.get_kind_display()} moved from {_local(old)} to {_local(starts_at)}."
    if reason.strip():
        body += f" {by.display_name} wrote: {reason.strip()}"
    if is_short_notice(meeting=meeting, program=mentorship.program):
        body += " " + short_notice_message(meeting=meeting, program=mentorship.program)
    _tell_partner(meeting=meeting, by=by, subject=f"{by.display_name} moved your {meeting.get_kind_display().lower()}", body=body)
    return meeting


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, by: User, reason: str = "", now: datetime.datetime | None = None
) -> Meeting:
    """Cancel a scheduled meeting; the hours of notice given are recorded."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    mentorship = meeting.mentorship
    _check_pair(mentorship, by, active=False)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise RuleViolation(
            NOT_SCHEDULED.format(status=meeting.get_status_display().lower(), action="cancelled"), code="state"
        )
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = now
    meeting.last_change_notice_hours = notice_hours(starts_at=meeting.starts_at, now=now)
    meeting.save(update_fields=["status", "cancelled_at", "last_change_notice_hours", "updated_at"])
    body = f"{meeting.get_kind_display()} on {_local(meeting.starts_at)} is cancelled."
    if reason.strip():
        body += f" {by.display_name} wrote: {reason.strip()}"
    if is_short_notice(meeting=meeting, program=mentorship.program):
        body += " " + short_notice_message(meeting=meeting, program=mentorship.program)
    _tell_partner(
        meeting=meeting, by=by, subject=f"{by.display_name} cancelled your {meeting.get_kind_display().lower()}", body=body
    )
    return meeting


def meetings_cancel_after_end(*, mentorship: Mentorship, now: datetime.datetime) -> list[Meeting]:
    """The pair has ended: the meetings still scheduled after its end are cancelled.

    After its end is after its last day, or after now when it ends earlier
    (a partner ends it today). Called inside mentorship_end's transaction,
    which tells both partners, naming these meetings.
    """
    day_after = mentorship.ended_on + datetime.timedelta(days=1)
    cutoff = min(now, timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min)))
    meetings = list(
        Meeting.objects.select_for_update(of=("self",))
        .filter(mentorship=mentorship, status=MeetingStatus.SCHEDULED, starts_at__gte=cutoff)
        .order_by("starts_at")
    )
    for meeting in meetings:
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancelled_at = now
        # No notice is recorded: neither partner called it off (AAHPM's 48 hours are about them).
        meeting.save(update_fields=["status", "cancelled_at", "updated_at"])
    return meetings


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    duration_minutes: int,
    kind: str,
    mode: str,
    location: str,
    shared_notes: str,
) -> Meeting:
    """Either partner corrects a meeting's details or its shared notes.

    The time of a scheduled meeting changes only through rescheduling, so the
    notice is recorded; a cancelled meeting stays as it was.
    """
    meeting = _locked(meeting)
    _check_pair(meeting.mentorship, by, active=False)
    if meeting.status == MeetingStatus.CANCELLED:
        raise RuleViolation(NOT_SCHEDULED.format(status="cancelled", action="edited"), code="state")
    _check_duration(duration_minutes)
    if meeting.status == MeetingStatus.HELD:
        _discovery_check(meeting.mentorship, kind, exclude_pk=meeting.pk)
    meeting.duration_minutes = duration_minutes
    meeting.kind = kind
    meeting.mode = mode
    meeting.location = location.strip()
    meeting.shared_notes = shared_notes.strip()
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_note_set(*, meeting: Meeting, author: User, text: str) -> MeetingPrivateNote | None:
    """Write (or, with empty text, delete) the author's private note on a meeting."""
    _check_pair(meeting.mentorship, author, active=False)
    text = text.strip()
    if not text:
        MeetingPrivateNote.objects.filter(meeting=meeting, author=author).delete()
        return None
    note, _ = MeetingPrivateNote.objects.update_or_create(meeting=meeting, author=author, defaults={"text": text})
    return note


# ---------------------------------------------------------------------------
# Reads that authorise
# ---------------------------------------------------------------------------


def new_meeting_uid() -> str:
    return f"{secrets.token_hex(16)}@mentoring"
