"""Coordinators' survey screens: templates with their questions, who was asked, results, CSV.

Every screen is scoped to the coordinator's programs (ProgramScopedAdmin): the
results and the export of another program's survey are a 404, like its
change page.
"""


from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify

from programs.admin_scope import ProgramScopedAdmin, ProgramScopedInline
from security.models import SecurityEventKind
from security.services import security_event_record

from . import selectors
from .models import Question, Survey, SurveyInvitation


class QuestionInline(ProgramScopedInline, admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        ("order", "kind", "required"),
        "text",
        "help_text",
        ("choices", "alert_on"),
        ("dimension", "low_label", "high_label"),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 40})}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("text", "help_text"):
            field.widget.attrs["style"] = "width: min(100%, 40em)"
        return field


@admin.register(Survey)
class SurveyAdmin(ProgramScopedAdmin):
    list_display = ["title", "program_name", "kind", "anonymous", "active", "answered_rate", "results_link"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "kind", "active"]
    list_select_related = ["program"]
    search_fields = ["title", "program__name"]
    inlines = [QuestionInline]
    readonly_fields = ["results_link", "when_sent"]
    fieldsets = [
        (None, {"fields": ["program", "title", "kind", "audience", "active", "when_sent", "results_link"]}),
        ("What respondents read", {"fields": ["intro", "anonymous_in_reporting"]}),
        ("Repeating surveys", {"fields": ["every_months"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "title":
            field.widget.attrs["style"] = "width: min(100%, 40em)"
        return field

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _invited=Count("invitations", filter=Q(invitations__sent_at__isnull=False)),
                _answered=Count("invitations", filter=Q(invitations__completed_at__isnull=False)),
            )
        )

    @admin.display(description="program", ordering="program__short_name")
    def program_name(self, obj):
        return obj.program.short_name

    @admin.display(boolean=True, ordering="anonymous_in_reporting")
    def anonymous(self, obj):
        return obj.anonymous_in_reporting

    @admin.display(description="answered", ordering="_answered")
    def answered_rate(self, obj):
        if not obj._invited:
            return "none sent"
        return f"{obj._answered} of {obj._invited} ({obj._answered / obj._invited:.0%})"

    @admin.display(description="results")
    def results_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html('<a href="{}">Results</a>', reverse("admin:surveys_survey_results", args=[obj.pk]))

    @admin.display(description="when it goes out")
    def when_sent(self, obj):
        if not obj or not obj.pk:
            return "Save first: the timing follows the program's rules."
        program = obj.program
        kind = obj.kind
        if kind == "exit":
            return "After each mentorship ends." if program.sends_exit_survey else (
                f"Never: {program.short_name} does not send exit surveys (see the program's “Surveys” rules)."
            )
        if kind == "fit_check":
            months = program.fit_check_after_months
            return f"{months} months after each mentorship starts." if months else (
                f"Never: {program.short_name} has no fit-check month (see the program's “Surveys” rules)."
            )
        if kind == "evaluation":
            months = program.evaluation_after_months
            return f"{months} months after each mentorship starts." if months else (
                f"Never: {program.short_name} has no evaluation month (see the program's “Surveys” rules)."
            )
        return f"Every {obj.every_months} months while a mentorship is active." if obj.every_months else "Never."

    def get_urls(self):
        return [
            path("<path:object_id>/results/", self.admin_site.admin_view(self.results_view), name="surveys_survey_results"),
            path("<path:object_id>/results.csv", self.admin_site.admin_view(self.export_view), name="surveys_survey_export"),
        ] + super().get_urls()

    def _survey(self, request, object_id) -> Survey:
        survey = self.get_object(request, object_id)  # 404 outside the coordinator's programs
        if not self.has_view_permission(request, survey):
            raise PermissionDenied
        return survey

    def results_view(self, request, object_id):
        survey = self._survey(request, object_id)
        results = selectors.survey_results(survey=survey, role=request.GET.get("role", ""))
        if not survey.anonymous_in_reporting:
            # AU-2: the page shows who wrote which free-text answer.
            security_event_record(
                kind=SecurityEventKind.CONFIDENTIAL_VIEWED, request=request, program=survey.program,
                detail=f"survey answers with names: {survey.title}",
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Results: {survey.title}",
            "opts": self.model._meta,
            "survey": survey,
            "results": results,
            "charts": results.charts,
            "roles": [("", "Everyone"), ("mentor", "Mentors"), ("mentee", "Mentees")],
        }
        return render(request, "admin/surveys/survey/results.html", context)

    def export_view(self, request, object_id):
        survey = self._survey(request, object_id)
        from mentorship.reports.exports import csv_response, dated

        name = dated(f"{slugify(survey.program.short_name)}-{slugify(survey.title)}")
        return csv_response(selectors.survey_export_rows(survey=survey), name)


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ProgramScopedAdmin):
    """Who was asked what, and whether it is answered. Never the answers themselves."""

    program_path = "survey__program"
    # The invitation's page on the site is the recipient's personal link, their
    # credential: no "View on site" button hands it to a coordinator.
    view_on_site = False
    list_display = ["survey", "recipient", "role", "due_on", "sent_at", "reminder_count", "answer_status"]
    list_filter = [("survey", admin.RelatedOnlyFieldListFilter), "role"]
    list_select_related = ["survey__program", "recipient"]
    search_fields = ["recipient__email", "recipient__first_name", "recipient__last_name", "survey__title"]
    date_hierarchy = "due_on"
    fields = ["survey", "mentorship", "recipient", "role", "round", "due_on", "sent_at", "reminder_count", "last_reminded_at", "answer_status"]
    readonly_fields = fields

    @admin.display(description="status")
    def answer_status(self, obj):
        # Anonymous in reporting: who has answered is not shown either, or a
        # small group's results could be matched to names.
        if obj.survey.anonymous_in_reporting:
            return "anonymous"
        return obj.status

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def history_view(self, request, object_id, extra_context=None):
        # Sends are recorded by the row's own dates, not by simple_history.
        self.get_object(request, object_id)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False
