from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q

from . import services
from .admin_scope import ProgramScopedAdmin, ProgramScopedInline, is_program_staff
from .errors import RuleViolation
from .models import Cohort, Enrollment, EnrollmentState, MatchingMethod, Platform, Program, ProgramCoordinator


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
    ]
    list_filter = ["is_active", "requires_application_approval", "allows_dual_role"]
    search_fields = ["name", "short_name", "organisation"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [CohortInline, CoordinatorInline]
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
            {"fields": ["duration_months", "ends_with_cohort", "extendable", "early_end_after_months"]},
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
        ("Surveys", {"fields": ["sends_exit_survey", "fit_check_after_months", "evaluation_after_months"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # Programs hold years of records; deactivate instead.
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return is_program_staff(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            # A coordinator who sets up a program runs it.
            ProgramCoordinator.objects.get_or_create(program=obj, user=request.user)
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
            try:
                services.enrollment_check_dual_role(user=user, cohort=cohort, role=role)
            except RuleViolation as error:
                raise forms.ValidationError(error.message, code=error.code)
        return cleaned


class CohortListFilter(admin.RelatedOnlyFieldListFilter):
    """Cohorts in scope, named with their program in one query (not one per cohort)."""

    def field_choices(self, field, request, model_admin):
        in_scope = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        return [(c.pk, str(c)) for c in Cohort.objects.filter(pk__in=in_scope).select_related("program")]


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
    list_display = ["user", "role", "cohort", "state", "platform_preference", "applied_at", "decided_at"]
    list_filter = [
        "state",
        "role",
        ("cohort__program", admin.RelatedOnlyFieldListFilter),
        ("cohort", CohortListFilter),
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
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["user", "cohort", "role"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        # Every state goes through the services, on add as on change, so the cap
        # and the pending-only decisions hold here too.
        if change and "state" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        new_state = obj.state
        obj.state = Enrollment.objects.get(pk=obj.pk).state if change else EnrollmentState.APPLIED
        super().save_model(request, obj, form, change)
        if new_state == obj.state:
            return
        try:
            TRANSITIONS[new_state](enrollment=obj, by=request.user)
        except (RuleViolation, KeyError) as error:
            messages.error(request, getattr(error, "message", "That change of state is not possible."))
        else:
            obj.refresh_from_db()
