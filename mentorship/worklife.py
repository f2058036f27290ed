"""The working life of a mentorship on its page: meetings and contact hours,
the goals document and the agreement, as sections of the mentorship page.

`mentorship.views._mentorship_page` calls `mentorship_sections`; each section
is a dict whose "template" the page includes with `s=section`. What a section
holds depends on who is looking: the pair sees their notes and goals, the
program's coordinator sees that meetings happened and how long they lasted,
how many goals there are and who signed the agreement, never their content.
"""

from django.utils import timezone

from . import agreements, meetings
from .compliance import compliance_for
from .goals import can_read_goals, document_name
from .models import GoalStatus, MeetingStatus

RECENT_MEETINGS = 3


def mentorship_sections(*, request, mentorship) -> dict:
    user = request.user
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
    to_mark = [m for m in recent if m.status == MeetingStatus.SCHEDULED]
    # AAHPM: "reschedule the missed call ASAP" — a call cancelled at short notice
    # keeps asking until something new is in the calendar.
    short_notice = None
    latest_cancelled = next((m for m in recent if m.status == MeetingStatus.CANCELLED), None)
    if (
        role
        and mentorship.is_active
        and latest_cancelled
        and meetings.is_short_notice(meeting=latest_cancelled, program=program)
        and not any(m.created_at >= latest_cancelled.cancelled_at for m in upcoming)
    ):
        short_notice = {
            "meeting": latest_cancelled,
            "message": meetings.short_notice_message(meeting=latest_cancelled, program=program),
        }

    goal_rows = list(mentorship.goals.values_list("status", flat=True))
    agreement = agreements.agreement_of(mentorship)
    sections = [
        {
            "template": "mentorship/worklife/_section_meetings.html",
            "role": role,
            "upcoming": upcoming,
            "recent": recent,
            "to_mark": to_mark,
            "short_notice": short_notice,
            "compliance": compliance,
        },
        {
            "template": "mentorship/worklife/_section_goals.html",
            "role": role,
            "document": document_name(mentorship),
            "count": len(goal_rows),
            "achieved": sum(1 for s in goal_rows if s == GoalStatus.ACHIEVED),
            "readable": bool(role) and can_read_goals(user=user, mentorship=mentorship),
            "shared_at": mentorship.goals_shared_at,
        },
        {
            "template": "mentorship/worklife/_section_agreement.html",
            "role": role,
            "agreement": agreement,
            "required": program.requires_agreement,
        },
    ]
    return {"health": compliance.health if compliance else None, "sections": sections}
