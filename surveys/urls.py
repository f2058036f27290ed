from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.my_surveys, name="mine"),
    path("r/<str:token>/", views.respond, name="respond"),
]
