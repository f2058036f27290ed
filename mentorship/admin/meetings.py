"""Meetings in the admin: that they happened and how long; never their notes."""

from django.contrib import admin

from programs.admin_scope import ProgramScopedMixin, ReadOnlyAdminMixin

from ..models import Meeting


class _ReadOnlyScoped(ReadOnlyAdminMixin, ProgramScopedMixin, admin.ModelAdmin):
    # Not ProgramScopedAdmin: these models keep no django-simple-history records,
    # and its history view needs them. The scoping is the same mixin.
    program_path = "mentorship__program"


@admin.register(Meeting)
class MeetingAdmin(_ReadOnlyScoped):
    list_display = ["mentorship", "kind", "mode", "status", "starts_at", "duration_minutes"]
    list_filter = [("mentorship__program", admin.RelatedOnlyFieldListFilter), "kind", "status", "mode"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee", "mentorship__program"]
    search_fields = [
        "mentorship__mentor__first_name",
        "mentorship__mentor__last_name",
        "mentorship__mentee__first_name",
        "mentorship__mentee__last_name",
    ]
    date_hierarchy = "starts_at"
    # Explicit fields: shared notes, location and private notes never appear here.
    fields = [
        "mentorship",
        "kind",
        "mode",
        "status",
        "starts_at",
        "duration_minutes",
        "rescheduled_count",
        "last_change_notice_hours",
        "cancelled_at",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("shared_notes", "location")
