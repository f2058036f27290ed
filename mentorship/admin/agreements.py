"""Agreements in the admin: who signed and when; the terms stay the pair's."""

from django.contrib import admin

from ..models import Agreement
from ..selectors.agreements import TERM_FIELDS
from .meetings import _ReadOnlyScoped


class SignedByBothFilter(admin.SimpleListFilter):
    title = "signed by both"
    parameter_name = "signed"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        both = {"mentor_signed_at__isnull": False, "mentee_signed_at__isnull": False}
        if self.value() == "yes":
            return queryset.filter(**both)
        if self.value() == "no":
            return queryset.exclude(**both)
        return queryset


@admin.register(Agreement)
class AgreementAdmin(_ReadOnlyScoped):
    """Who signed and when; the terms are the pair's (they can print them)."""

    list_display = ["mentorship", "program", "mentor_signed_at", "mentee_signed_at", "signed_by_both"]
    list_filter = [("mentorship__program", admin.RelatedOnlyFieldListFilter), SignedByBothFilter]
    list_select_related = ["mentorship__mentor", "mentorship__mentee", "mentorship__program"]
    search_fields = [
        "mentorship__mentor__first_name",
        "mentorship__mentor__last_name",
        "mentorship__mentee__first_name",
        "mentorship__mentee__last_name",
    ]
    fields = ["mentorship", "mentor_signed_name", "mentor_signed_at", "mentee_signed_name", "mentee_signed_at", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*TERM_FIELDS)

    @admin.display(description="program", ordering="mentorship__program__short_name")
    def program(self, obj):
        return obj.mentorship.program.short_name

    @admin.display(description="signed by both", boolean=True)
    def signed_by_both(self, obj):
        return obj.is_signed_by_both
