"""Reads of meetings, with who may see what: the pair with their notes, the
program's coordinators with dates and durations only; and the notice rule's figures."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from programs.selectors import coordinated_program_ids

from ..models import Meeting, MeetingPrivateNote, MeetingStatus, Mentorship, User


def notice_hours(*, starts_at: datetime.datetime, now: datetime.datetime) -> float:
    """Hours between now and the meeting's (old) start; 0 once it has begun."""
    return round(max((starts_at - now).total_seconds() / 3600, 0.0), 1)


def notice_display(hours: float) -> str:
    if hours >= 48:
        return f"{hours / 24:.0f} days"
    if hours >= 1:
        return f"{hours:.0f} hours" if hours != 1 else "1 hour"
    return "less than an hour"


def notice_is_short(*, program, hours: float | None) -> bool:
    """Less notice than the program asks for (AAHPM: 48 hours)."""
    rule = program.reschedule_notice_hours
    return bool(rule) and hours is not None and hours < rule


def is_short_notice(*, meeting: Meeting, program=None) -> bool:
    """The last reschedule or cancellation came with less notice than the program asks."""
    program = program or meeting.mentorship.program
    return notice_is_short(program=program, hours=meeting.last_change_notice_hours)


def short_notice_message(*, meeting: Meeting, program=None) -> str:
    program = program or meeting.mentorship.program
    return SHORT_NOTICE.format(
        program=program.short_name,
        rule=program.reschedule_notice_hours,
        given=notice_display(meeting.last_change_notice_hours or 0),
    )


def meeting_get_for_participant(*, user: User, pk: int) -> Meeting:
    """A meeting, for its mentor or mentee only (coordinators use the meetings list)."""
    try:
        meeting = Meeting.objects.select_related(
            "mentorship__program", "mentorship__mentor", "mentorship__mentee", "created_by"
        ).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.")
    if not meeting.mentorship.is_partner(user):
        raise Http404("No such meeting.")
    return meeting


def meetings_for_viewer(*, mentorship: Mentorship, user: User) -> QuerySet[Meeting]:
    """The mentorship's meetings as `user` may see them.

    The pair gets their own private notes prefetched (one query for any number
    of meetings); anyone else gets the meetings with the note columns deferred,
    so they never even leave the database.
    """
    qs = Meeting.objects.filter(mentorship=mentorship).select_related("created_by").order_by("-starts_at", "-pk")
    if mentorship.is_partner(user):
        return qs.prefetch_related(
            Prefetch(
                "private_notes",
                queryset=MeetingPrivateNote.objects.filter(author=user),
                to_attr="my_private_notes",
            )
        )
    if mentorship.program_id in coordinated_program_ids(user=user):
        return qs.defer("shared_notes", "location")
    raise Http404("No such mentorship.")


def meetings_for_user_feed(*, user: User, since: datetime.datetime) -> QuerySet[Meeting]:
    """Every meeting of the person's mentorships since `since`, for their calendar feed."""
    from django.db.models import Q

    return (
        Meeting.objects.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user), starts_at__gte=since)
        .select_related("mentorship__program", "mentorship__mentor", "mentorship__mentee")
        .defer("shared_notes")
        .order_by("starts_at")
    )


SHORT_NOTICE = (
    "{program} asks for {rule} hours' notice; this was {given}. Please reschedule the missed call as soon as possible."
)


def has_held_meeting(*, mentorship: Mentorship, kind: str) -> bool:
    return mentorship.meetings.filter(kind=kind, status=MeetingStatus.HELD).exists()


def private_note_of(*, meeting: Meeting, user) -> MeetingPrivateNote | None:
    """The person's own private note on a meeting; nobody else's, ever."""
    return meeting.private_notes.filter(author=user).first()
