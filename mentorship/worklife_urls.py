from django.urls import path

app_name = "worklife"

# Meetings, calendar feeds, goals and agreements (issue 4).
urlpatterns: list = []
