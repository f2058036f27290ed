"""The site's URLs for the core domain: one namespace per area, each area's
views in the module of the same name (`meetings:detail` → views/meetings.py).

The paths are the product's public addresses (links in mail, bookmarks,
calendar feeds) and stay as they are; the names say where the view lives.
"""

from django.urls import include, path

from .views import (
    agreements,
    calendars,
    directory,
    goals,
    invitations,
    meetings,
    mentorships,
    notifications,
    people,
)

people_urls = [
    path("profile/", people.profile_edit, name="profile"),
    path("people/<int:pk>/", people.person_detail, name="detail"),
    path("people/<int:pk>/photo/", people.person_photo, name="photo"),
]
directory_urls = [
    path("mentors/", directory.directory_index, name="index"),
    path("programs/<slug:slug>/mentors/", directory.directory, name="list"),
    path("programs/<slug:slug>/mentors/<int:pk>/", directory.mentor_detail, name="mentor"),
    path("programs/<slug:slug>/mentors/<int:pk>/invite/", directory.invite, name="invite"),
]
invitation_urls = [
    path("invitations/", invitations.invitations, name="list"),
    path("invitations/<int:pk>/", invitations.invitation_detail, name="detail"),
    path("invitations/<int:pk>/accept/", invitations.invitation_accept, name="accept"),
    path("invitations/<int:pk>/decline/", invitations.invitation_decline, name="decline"),
    path("invitations/<int:pk>/withdraw/", invitations.invitation_withdraw, name="withdraw"),
]
mentorship_urls = [
    path("mentorships/<int:pk>/", mentorships.mentorship_detail, name="detail"),
    path("mentorships/<int:pk>/end/", mentorships.mentorship_end, name="end"),
    path("mentorships/<int:pk>/duration/", mentorships.mentorship_duration, name="duration"),
    path("mentorships/<int:pk>/extend/", mentorships.mentorship_extend, name="extend"),
    path("mentorships/<int:pk>/decide/", mentorships.mentorship_decide, name="decide"),
]
notification_urls = [
    path("notifications/", notifications.notifications, name="list"),
    path("notifications/read/", notifications.notifications_read, name="read"),
    path("email/unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
]
meeting_urls = [
    path("mentorships/<int:pk>/meetings/", meetings.meeting_list, name="list"),
    path("mentorships/<int:pk>/meetings/new/", meetings.meeting_new, name="new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="edit"),
    path("meetings/<int:pk>/note/", meetings.meeting_note, name="note"),
    path("meetings/<int:pk>/held/", meetings.meeting_held, name="held"),
    path("meetings/<int:pk>/reschedule/", meetings.meeting_reschedule, name="reschedule"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/meeting.ics", meetings.meeting_ics, name="ics"),
]
calendar_urls = [
    path("calendar/", calendars.calendar_settings, name="settings"),
    path("calendar/reset/", calendars.calendar_reset, name="reset"),
    path("calendar/feed/<str:token>.ics", calendars.calendar_feed_view, name="feed"),
]
goal_urls = [
    path("mentorships/<int:pk>/goals/", goals.goal_list, name="list"),
    path("mentorships/<int:pk>/goals/new/", goals.goal_new, name="new"),
    path("mentorships/<int:pk>/goals/share/", goals.goals_share, name="share"),
    path("goals/<int:pk>/edit/", goals.goal_edit, name="edit"),
    path("goals/<int:pk>/delete/", goals.goal_delete, name="delete"),
]
agreement_urls = [
    path("mentorships/<int:pk>/agreement/", agreements.agreement_detail, name="detail"),
    path("mentorships/<int:pk>/agreement/edit/", agreements.agreement_edit, name="edit"),
    path("mentorships/<int:pk>/agreement/sign/", agreements.agreement_sign, name="sign"),
    path("mentorships/<int:pk>/agreement/withdraw/", agreements.agreement_withdraw, name="withdraw"),
    path("mentorships/<int:pk>/agreement/print/", agreements.agreement_print, name="print"),
]

urlpatterns = [
    path("", include((patterns, namespace)))
    for patterns, namespace in (
        (people_urls, "people"),
        (directory_urls, "directory"),
        (invitation_urls, "invitations"),
        (mentorship_urls, "mentorships"),
        (notification_urls, "notifications"),
        (meeting_urls, "meetings"),
        (calendar_urls, "calendar"),
        (goal_urls, "goals"),
        (agreement_urls, "agreements"),
    )
]
