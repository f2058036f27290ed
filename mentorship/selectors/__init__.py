"""Reads of the core domain, by area; `<entity>_get_for_user` fetches and
authorises at once (404 for anyone who may not see it).

The public names of every module are re-exported here, so callers write
`selectors.<name>`; the modules import each other directly."""

from .agreements import (  # noqa: F401
    PREAMBLE,
    TERM_FIELDS,
    agreement_defaults,
    agreement_get_for_partner,
    agreement_is_editable,
    agreement_of,
    expected_signature,
)
from .calendars import (  # noqa: F401
    feed_owner,
)
from .capacity import (  # noqa: F401
    free_places,
    free_places_by_mentor,
    mentor_active_count,
    with_free_places,
)
from .compliance import (  # noqa: F401
    DUE_WITHIN_DAYS,
    FREQUENCY_CADENCE,
    HEALTH_CHOICES,
    HEALTH_LABELS,
    HEALTH_RANK,
    MILESTONE_GRACE_DAYS,
    UNDER_MINIMUM_MONTHS_AT_RISK,
    WRAPUP_DUE_BEFORE_END_DAYS,
    Cadence,
    Compliance,
    Finding,
    HeldMeeting,
    Milestone,
    MonthContact,
    annotate_health,
    cadence_of,
    compliance_compute,
    compliance_for,
    health_ids,
    url_template,
)
from .dashboard import (  # noqa: F401
    INVITATIONS_SHOWN,
    PENDING_CONSIDERED,
    dashboard_for,
)
from .directory import (  # noqa: F401
    KM_PER_MILE,
    DirectoryFilters,
    directory_access,
    directory_enrollment,
    mentor_directory,
    mentor_get_for_program,
    mentor_pool,
    mentor_units,
    programs_to_browse,
)
from .geo import (  # noqa: F401
    distance_km,
    resolve_location,
)
from .goals import (  # noqa: F401
    can_read_goals,
    document_name,
    goal_get_for_mentee,
    goals_for_reader,
    goals_share_waits_for_discovery,
    mentorship_goals_url,
)
from .invitations import (  # noqa: F401
    invitation_get_for_user,
    invitations_for_user,
    pending_invitation,
)
from .lifecycle import (  # noqa: F401
    OpenQuestion,
    closing_agreed,
    decisions_of,
    end_due_on,
    open_question,
)
from .meetings import (  # noqa: F401
    SHORT_NOTICE,
    has_held_meeting,
    is_short_notice,
    meeting_get_for_participant,
    meetings_for_user_feed,
    meetings_for_viewer,
    notice_display,
    notice_hours,
    notice_is_short,
    private_note_of,
    short_notice_message,
)
from .mentorship_page import (  # noqa: F401
    RECENT_MEETINGS,
    mentorship_working_life,
)
from .mentorships import (  # noqa: F401
    due_items,
    mentorship_get_for_user,
    mentorship_needs_duration,
    mentorships_for_user,
)
from .pairing import (  # noqa: F401
    ended_pairs,
    in_supervisor_chain,
    supervisors_of,
)
from .people import (  # noqa: F401
    org_unit_labels,
    person_get_for_user,
    profile_with_details,
    program_ids_of,
)
