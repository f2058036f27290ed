from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from . import audit, services
from .admin_scope import ProgramScopedAdmin, ProgramScopedInline, is_program_staff
from .errors import RuleViolation
from .models import (
    MONTH_NAMES,
    Cohort,
    Enrollment,
    EnrollmentState,
    Event,
    EventAttendance,
    EventPattern,
    MatchingMethod,
    Platform,
    Program,
    ProgramCoordinator,
    Rsvp,
)


class ProgramAdminForm(forms.ModelForm):
    matching_methods = forms.MultipleChoiceField(
        choices=MatchingMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Program._meta.get_field("matching_methods").help_text,
    )
    platforms = forms.MultipleChoiceField(
        choices=Platform.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Program._meta.get_field("platforms").help_text,
    )

    class Meta:
        model = Program
        fields = "__all__"


class CoordinatorInline(ProgramScopedInline, admin.TabularInline):
    model = ProgramCoordinator
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "coordinator"


class CohortInline(ProgramScopedInline, admin.TabularInline):
    model = Cohort
    extra = 0
    fields = ["name", "starts_on", "ends_on", "enrolment_opens_on", "enrolment_closes_on", "participant_cap", "is_closed"]
    show_change_link = True


class EventPatternForm(forms.ModelForm):
    months = forms.TypedMultipleChoiceField(
        choices=list(MONTH_NAMES.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=EventPattern._meta.get_field("months").help_text,
    )

    class Meta:
        model = EventPattern
        fields = "__all__"


class EventPatternInline(ProgramScopedInline, admin.StackedInline):
    """The program's recurring events: the daily roll-forward makes each listed
    month's event once, through the end of next year; a change applies to the
    months not made yet (change made events under Events)."""

    model = EventPattern
    form = EventPatternForm
    extra = 0
    fields = [
        ("kind", "title", "is_active"),
        "months",
        ("week", "weekday", "day_of_month"),
        ("start_time", "duration_minutes", "time_zone"),
        "location",
        "description",
        "events_created_through",
    ]
    readonly_fields = ["events_created_through"]
    verbose_name_plural = "recurring events (made into events through the end of next year)"


@admin.register(Program)
class ProgramAdmin(ProgramScopedAdmin):
    program_path = ""
    form = ProgramAdminForm
    list_display = [
        "name",
        "short_name",
        "max_mentees_per_mentor",
        "max_mentors_per_mentee",
        "duration_months",
        "checkin_interval_months",
        "is_active",
        "changes_link",
    ]
    list_filter = ["is_active", "requires_application_approval", "allows_dual_role"]
    search_fields = ["name", "short_name", "organisation"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [CohortInline, EventPatternInline, CoordinatorInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "organisation", "is_active", "summary"]}),
        (
            "Guidelines participants read",
            {"fields": ["guidelines", "mentor_role", "mentee_role", "not_for", "coordinator_title", "org_unit_label"]},
        ),
        ("Capacity", {"fields": ["max_mentees_per_mentor", "max_mentors_per_mentee", "allows_dual_role"]}),
        (
            "How pairs form",
            {
                "fields": [
                    "matching_methods",
                    "pairing_description",
                    "platforms",
                    "excludes_supervisor_chain",
                    "org_unit_preference",
                    "invitation_expiry_days",
                ]
            },
        ),
        ("Enrolment", {"fields": ["requires_application_approval", "participant_cap"]}),
        (
            "Duration and ending",
            {
                "fields": [
                    "duration_months",
                    "ends_with_cohort",
                    "extendable",
                    "extension_ask_days",
                    "extension_grace_days",
                    "extension_months",
                    "early_end_after_months",
                ]
            },
        ),
        ("Contact", {"fields": ["checkin_interval_months", "min_contact_minutes_per_month", "reschedule_notice_hours"]}),
        (
            "Milestones and documents",
            {
                "fields": [
                    "requires_discovery_call",
                    "requires_wrapup_call",
                    "requires_agreement",
                    "goals_document_name",
                    "goals_shared_after_discovery_call",
                ]
            },
        ),
        (
            "Surveys",
            {
                "fields": [
                    "sends_exit_survey",
                    "fit_check_after_months",
                    "evaluation_after_months",
                    "evaluation_asks_to_continue",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        # Programs hold years of records; deactivate instead.
        return request.user.is_superuser

    @admin.display(description="audit")
    def changes_link(self, obj):
        return format_html('<a href="{}">Recent changes</a>', reverse("admin:programs_program_changes", args=[obj.pk]))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name="programs_program_changes",
            ),
        ] + super().get_urls()

    def changes_view(self, request, object_id):
        """Who changed what in this program, newest first (programs/audit.py)."""
        program = self.get_object(request, object_id)  # 404 outside the coordinator's programs
        if not self.has_view_permission(request, program):
            raise PermissionDenied
        try:
            page = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page = 1
        changes, has_more = audit.recent_changes(program_ids={program.pk}, page=page, site=self.admin_site)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Recent changes: {program.short_name}",
            "program": program,
            "changes": changes,
            "page": page,
            "has_more": has_more and page < audit.MAX_PAGES,
            "opts": self.model._meta,
        }
        return render(request, "admin/programs/program/changes.html", context)

    def has_add_permission(self, request, *args):
        return is_program_staff(request)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new program is created by program_create, as anywhere else: a
        # coordinator who sets one up runs it.
        services.program_create(created_by=request.user, program=obj)
        request.user._coordinated_program_ids = None


@admin.register(Cohort)
class CohortAdmin(ProgramScopedAdmin):
    list_display = ["__str__", "program", "starts_on", "ends_on", "enrolment_window", "approved", "pending", "is_closed"]
    # Related-only filters: a plain filter lists every program, other coordinators' too.
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "is_closed"]
    search_fields = ["name", "program__name", "program__short_name"]
    date_hierarchy = "starts_on"
    list_select_related = ["program"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _approved=Count("enrollments", filter=Q(enrollments__state=EnrollmentState.APPROVED)),
                _pending=Count("enrollments", filter=Q(enrollments__state=EnrollmentState.APPLIED)),
            )
        )

    @admin.display(description="enrolment")
    def enrolment_window(self, obj):
        opens = obj.enrolment_opens_on or "now"
        closes = obj.enrolment_closes_on or obj.ends_on
        return f"{opens} → {closes}"

    @admin.display(ordering="_approved")
    def approved(self, obj):
        cap = obj.effective_participant_cap
        return f"{obj._approved} / {cap}" if cap else obj._approved

    @admin.display(ordering="_pending")
    def pending(self, obj):
        return obj._pending


def _bulk(service, verb):
    def action(modeladmin, request, queryset):
        done, refused = 0, []
        for enrollment in queryset.select_related("user", "cohort__program").order_by("applied_at", "pk"):
            try:
                service(enrollment=enrollment, by=request.user)
                done += 1
            except RuleViolation as error:
                refused.append(f"{enrollment.user}: {error.message}")
        if done:
            messages.success(request, f"{verb.capitalize()} {done} enrolment(s).")
        for line in refused:
            messages.error(request, line)

    action.__name__ = f"{verb}_selected"
    action.short_description = f"{verb.capitalize()} selected enrolments"
    return action


class EnrollmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        user, cohort, role = cleaned.get("user"), cleaned.get("cohort"), cleaned.get("role")
        if self.instance.pk is None and user and cohort and role:
            # What enrollment_apply (called on save) would refuse, shown with the
            # form: its window, a second enrolment, the dual role, the platform.
            try:
                services.enrollment_apply_check(
                    user=user, cohort=cohort, role=role, platform_preference=cleaned.get("platform_preference", "")
                )
            except RuleViolation as error:
                raise forms.ValidationError(error.message, code=error.code)
        return cleaned


class CohortPeriodFilter(admin.SimpleListFilter):
    """Current cohorts (not yet ended) against past ones: the dashboard counts the current."""

    title = "cohort running"
    parameter_name = "period"
    path = "cohort__ends_on"

    def lookups(self, request, model_admin):
        return [("current", "Current and upcoming"), ("past", "Ended")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.filter(**{f"{self.path}__gte": today})
        if self.value() == "past":
            return queryset.filter(**{f"{self.path}__lt": today})
        return queryset


class CohortListFilter(admin.RelatedOnlyFieldListFilter):
    """Cohorts in scope, named with their program in one query (not one per cohort)."""

    def field_choices(self, field, request, model_admin):
        in_scope = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        return [(c.pk, str(c)) for c in Cohort.objects.filter(pk__in=in_scope).select_related("program")]


# KY: “match participants based on stated needs, challenges, strengths, and areas for improvement”.
APPLICATION_ANSWERS = {
    "needs": "Needs",
    "challenges": "Challenges",
    "strengths": "Strengths",
    "areas_for_improvement": "To improve",
}


ANSWER_WORDS_SHOWN = 8


TRANSITIONS = {
    EnrollmentState.APPROVED: services.enrollment_approve,
    EnrollmentState.WAITLISTED: services.enrollment_waitlist,
    EnrollmentState.DECLINED: services.enrollment_decline,
    EnrollmentState.WITHDRAWN: services.enrollment_withdraw,
}


@admin.register(Enrollment)
class EnrollmentAdmin(ProgramScopedAdmin):
    program_path = "cohort__program"
    form = EnrollmentAdminForm
    list_display = ["user", "role", "cohort", "state", "answers", "platform_preference", "applied_at", "decided_at"]
    list_filter = [
        "state",
        "role",
        ("cohort__program", admin.RelatedOnlyFieldListFilter),
        ("cohort", CohortListFilter),
        CohortPeriodFilter,
    ]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "cohort__program"]
    date_hierarchy = "applied_at"
    autocomplete_fields = ["user"]
    readonly_fields = ["decided_at", "decided_by"]
    actions = [
        _bulk(services.enrollment_approve, "approved"),
        _bulk(services.enrollment_waitlist, "waitlisted"),
        _bulk(services.enrollment_decline, "declined"),
        _bulk(services.enrollment_withdraw, "withdrew"),
    ]
    fieldsets = [
        (None, {"fields": ["user", "cohort", "role", "state"]}),
        ("Application", {"fields": ["motivation", "needs", "challenges", "strengths", "areas_for_improvement", "platform_preference"]}),
        ("Decision", {"fields": ["decided_at", "decided_by", "decision_note"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Who, where and as what are fixed once enrolled: moving an approved place
        # into another (full) cohort would slip past its cap. Withdraw and re-enrol.
        # The answers are the applicant's own words: reviewed, not rewritten.
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["user", "cohort", "role", *APPLICATION_ANSWERS, "motivation"] if obj is not None else fields

    @admin.display(description="application")
    def answers(self, obj):
        """KY's four answers at a glance, so a page of applications can be decided in bulk:
        each cut after a few words, never inside one, and whole in the tooltip."""
        parts = [(label, getattr(obj, name)) for name, label in APPLICATION_ANSWERS.items() if getattr(obj, name)]
        if not parts:
            return "—"
        return format_html(
            '<span title="{}">{}</span>',
            "\n".join(f"{label}: {text}" for label, text in parts),
            format_html_join(
                mark_safe("<br>"),
                "<b>{}:</b> {}",
                ((label, Truncator(text).words(ANSWER_WORDS_SHOWN)) for label, text in parts),
            ),
        )

    def save_model(self, request, obj, form, change):
        # Every enrolment and every state goes through the services, on add as on
        # change: a person enrolled here is enrolled by enrollment_apply (its
        # window, dual role, platform and cap), then decided like any other.
        wanted = obj.state
        if change:
            obj.state = Enrollment.objects.get(pk=obj.pk).state
            super().save_model(request, obj, form, change)
        else:
            created = services.enrollment_apply(
                user=obj.user,
                cohort=obj.cohort,
                role=obj.role,
                platform_preference=obj.platform_preference,
                **{name: getattr(obj, name) for name in services.ANSWER_FIELDS},
            )
            obj.pk, obj._state.adding = created.pk, False
            obj.refresh_from_db()
        if wanted == obj.state:
            return
        try:
            TRANSITIONS[wanted](enrollment=obj, by=request.user, note=obj.decision_note)
        except (RuleViolation, KeyError) as error:
            messages.error(request, getattr(error, "message", "That change of state is not possible."))
        else:
            obj.refresh_from_db()


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


class EventPeriodFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


class EventAttendanceInline(ProgramScopedInline, admin.TabularInline):
    model = EventAttendance
    extra = 0
    fields = ["user", "rsvp", "rsvp_at", "attended"]
    readonly_fields = ["rsvp_at"]
    autocomplete_fields = ["user"]
    verbose_name_plural = "RSVPs and attendance (tick who came)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Event)
class EventAdmin(ProgramScopedAdmin):
    list_display = ["title", "program_name", "cohort_name", "kind", "starts_at", "location", "yes", "maybe", "no", "attended"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "kind", EventPeriodFilter]
    list_select_related = ["program", "cohort__program"]
    search_fields = ["title", "location", "description"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]
    inlines = [EventAttendanceInline]
    fieldsets = [
        (None, {"fields": ["program", "cohort", "kind", "title"]}),
        ("When and where", {"fields": ["starts_at", "ends_at", "location"]}),
        (None, {"fields": ["description"]}),
    ]

    def get_queryset(self, request):
        counts = {
            f"_{answer}": Count("attendances", filter=Q(attendances__rsvp=answer)) for answer in Rsvp.values
        }
        return (
            super()
            .get_queryset(request)
            .annotate(**counts, _attended=Count("attendances", filter=Q(attendances__attended=True)))
        )

    @admin.display(description="program", ordering="program__short_name")
    def program_name(self, obj):
        return obj.program.short_name

    @admin.display(description="cohort", ordering="cohort__name")
    def cohort_name(self, obj):
        return obj.cohort.name if obj.cohort else "all"

    @admin.display(ordering="_yes")
    def yes(self, obj):
        return obj._yes

    @admin.display(ordering="_maybe")
    def maybe(self, obj):
        return obj._maybe

    @admin.display(ordering="_no")
    def no(self, obj):
        return obj._no

    @admin.display(ordering="_attended")
    def attended(self, obj):
        return obj._attended
