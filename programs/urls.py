from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("enrolments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/", views.program_detail, name="detail"),
    path("<slug:slug>/cohorts/<int:cohort_pk>/enrol/<str:role>/", views.enroll, name="enroll"),
]
