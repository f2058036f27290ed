from django.urls import path

from mentorship import views

app_name = "worklife"

# Meetings, calendar feeds, goals and agreements (issue 4).
urlpatterns: list = [
    path("mentorships/<int:pk>/meetings/", views.meeting_list, name="meetings"),
    path("mentorships/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/note/", views.meeting_note, name="meeting_note"),
    path("meetings/<int:pk>/held/", views.meeting_held, name="meeting_held"),
    path("meetings/<int:pk>/reschedule/", views.meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
    path("mentorships/<int:pk>/goals/", views.goal_list, name="goals"),
    path("mentorships/<int:pk>/goals/new/", views.goal_new, name="goal_new"),
    path("mentorships/<int:pk>/goals/share/", views.goals_share, name="goals_share"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("mentorships/<int:pk>/agreement/", views.agreement_detail, name="agreement"),
    path("mentorships/<int:pk>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path("mentorships/<int:pk>/agreement/sign/", views.agreement_sign, name="agreement_sign"),
    path("mentorships/<int:pk>/agreement/withdraw/", views.agreement_withdraw, name="agreement_withdraw"),
    path("mentorships/<int:pk>/agreement/print/", views.agreement_print, name="agreement_print"),
]
