from django.urls import path

from . import events_views

app_name = "events"

urlpatterns = [
    path("", events_views.event_list, name="list"),
    path("<int:pk>/", events_views.event_detail, name="detail"),
    path("<int:pk>/rsvp/", events_views.event_rsvp, name="rsvp"),
    path("<int:pk>/event.ics", events_views.event_ics, name="ics"),
]
