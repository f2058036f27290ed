"""The core domain's data, by area; the app label is `mentorship` for all of them.

Every model is re-exported here, so `from mentorship.models import Mentorship`
works wherever the model lives, and migrations keep their references
(`mentorship.models.UserManager`, `mentorship.models.photo_upload_to`).
"""

from .agreements import Agreement, MeetingFrequency
from .goals import Goal, GoalStatus
from .meetings import CalendarFeedToken, Meeting, MeetingKind, MeetingMode, MeetingPrivateNote, MeetingStatus
from .notifications import Notification, ReminderDelivery
from .pairing import (
    DECISION_ANSWERS,
    DecisionAnswer,
    DecisionQuestion,
    Invitation,
    InvitationSource,
    InvitationState,
    Mentorship,
    MentorshipDecision,
    MentorshipOrigin,
    MentorshipState,
)
from .people import CareerLevel, EmailFrequency, JobHistoryEntry, Profile, Skill, User, UserManager, photo_upload_to

__all__ = [
    "DECISION_ANSWERS",
    "Agreement",
    "CalendarFeedToken",
    "CareerLevel",
    "DecisionAnswer",
    "DecisionQuestion",
    "EmailFrequency",
    "Goal",
    "GoalStatus",
    "Invitation",
    "InvitationSource",
    "InvitationState",
    "JobHistoryEntry",
    "Meeting",
    "MeetingFrequency",
    "MeetingKind",
    "MeetingMode",
    "MeetingPrivateNote",
    "MeetingStatus",
    "Mentorship",
    "MentorshipDecision",
    "MentorshipOrigin",
    "MentorshipState",
    "Notification",
    "Profile",
    "ReminderDelivery",
    "Skill",
    "User",
    "UserManager",
    "photo_upload_to",
]
