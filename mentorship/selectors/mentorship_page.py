"""What a mentorship's page shows of the pair's working life: meetings and
contact, the goals document and the agreement, each as its reader may see it."""

from django.utils import timezone

from ..models import GoalStatus, MeetingStatus, Mentorship
from .agreements import agreement_of
from .compliance import compliance_for
from .goals import can_read_goals, document_name
from .meetings import is_short_notice, short_notice_message

RECENT_MEETINGS = 3


def mentorship_working_life(*, user, mentorship: Mentorship) -> dict:
    """What a mentorship's page shows of its working life, as `user` may see it:
    the pair their meetings with places and what needs doing; the program's
    coordinator that meetings happened and how long, how many goals, who signed."""
    role = mentorship.role_of(user)
    program = mentorship.program
    now = timezone.now()
    compliance = compliance_for(mentorship=mentorship)

    qs = mentorship.meetings.order_by("starts_at")
    if not role:
        qs = qs.defer("shared_notes", "location")
    upcoming = list(qs.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=now)[:RECENT_MEETINGS])
    recent = list(
        mentorship.meetings.exclude(status=MeetingStatus.SCHEDULED, starts_at__gt=now)
        .defer("shared_notes", "location")
        .order_by("-starts_at")[:RECENT_MEETINGS]
    )
    # AAHPM: "reschedule the missed call ASAP" — a call cancelled at short notice
    # keeps asking until something new is in the calendar.
    short_notice = None
    latest_cancelled = next((m for m in recent if m.status == MeetingStatus.CANCELLED), None)
    if (
        role
        and mentorship.is_active
        and latest_cancelled
        and is_short_notice(meeting=latest_cancelled, program=program)
        and not any(m.created_at >= latest_cancelled.cancelled_at for m in upcoming)
    ):
        short_notice = {
            "meeting": latest_cancelled,
            "message": short_notice_message(meeting=latest_cancelled, program=program),
        }
    goal_rows = list(mentorship.goals.values_list("status", flat=True))
    return {
        "role": role,
        "meetings": {
            "upcoming": upcoming,
            "recent": recent,
            "to_mark": [m for m in recent if m.status == MeetingStatus.SCHEDULED],
            "short_notice": short_notice,
            "compliance": compliance,
        },
        "goals": {
            "document": document_name(mentorship),
            "count": len(goal_rows),
            "achieved": sum(1 for status in goal_rows if status == GoalStatus.ACHIEVED),
            "readable": bool(role) and can_read_goals(user=user, mentorship=mentorship),
            "shared_at": mentorship.goals_shared_at,
        },
        "agreement": {"agreement": agreement_of(mentorship), "required": program.requires_agreement},
    }
