from django.urls import path

from mentorship import views

app_name = "mentorship"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/photo/", views.person_photo, name="photo"),
    path("mentors/", views.directory_index, name="directory_index"),
    path("programs/<slug:slug>/mentors/", views.directory, name="directory"),
    path("programs/<slug:slug>/mentors/<int:pk>/", views.mentor_detail, name="mentor"),
    path("programs/<slug:slug>/mentors/<int:pk>/invite/", views.invite, name="invite"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", views.invitation_decline, name="invitation_decline"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship"),
    path("mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    path("mentorships/<int:pk>/duration/", views.mentorship_duration, name="mentorship_duration"),
    path("mentorships/<int:pk>/extend/", views.mentorship_extend, name="mentorship_extend"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
