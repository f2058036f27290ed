"""/api/v1/: the operations, their OpenAPI document (/api/v1/openapi.json) and its docs page (/api/v1/docs)."""

from django.urls import path

from .views import api

urlpatterns = [path("v1/", api.urls)]
