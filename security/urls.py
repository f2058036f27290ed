from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("status/", views.session_status, name="session_status"),
    path("keepalive/", views.session_keepalive, name="session_keepalive"),
]
