"""The participants' pages, by area: thin, an access selector, one service, a
message and a redirect. Every view is re-exported here for the URL modules."""

from .agreements import (  # noqa: F401
    agreement_detail,
    agreement_edit,
    agreement_print,
    agreement_sign,
    agreement_withdraw,
)
from .calendars import (  # noqa: F401
    calendar_feed_view,
    calendar_reset,
    calendar_settings,
)
from .directory import (  # noqa: F401
    directory,
    directory_index,
    invite,
    mentor_detail,
)
from .goals import (  # noqa: F401
    goal_delete,
    goal_edit,
    goal_list,
    goal_new,
    goals_share,
)
from .home import (  # noqa: F401
    dashboard,
    home,
)
from .invitations import (  # noqa: F401
    invitation_accept,
    invitation_decline,
    invitation_detail,
    invitation_withdraw,
    invitations,
)
from .meetings import (  # noqa: F401
    meeting_cancel,
    meeting_detail,
    meeting_edit,
    meeting_held,
    meeting_ics,
    meeting_list,
    meeting_new,
    meeting_note,
    meeting_reschedule,
)
from .mentorships import (  # noqa: F401
    mentorship_detail,
    mentorship_duration,
    mentorship_end,
    mentorship_extend,
    mentorship_sections,
)
from .notifications import (  # noqa: F401
    notifications,
    notifications_read,
    unsubscribe,
)
from .people import (  # noqa: F401
    person_detail,
    person_photo,
    profile_edit,
)
