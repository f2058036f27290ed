from django.urls import path

from . import views

app_name = "mentorship"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/photo/", views.person_photo, name="photo"),
]
