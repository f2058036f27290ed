from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html

from programs.admin import CohortListFilter
from programs.admin_scope import (
    ProgramScopedAdmin,
    ProgramScopedInline,
    ProgramScopedMixin,
    get_object_in_scope,
    is_program_staff,
    keys_only_autocomplete,
    program_ids,
)

# Also registers the Enrollment admin with profiles and pairs: filters, import, exports (issue 7).
from .admin_participants import PartnerLocationListFilter, PartnerOrgUnitListFilter
from .agreements import TERM_FIELDS
from .compliance import HEALTH_CHOICES, HEALTH_LABELS, annotate_health, health_ids
from .exports import contact_hours_rows, csv_response, dated
from .models import Agreement, Meeting, Mentorship, Profile, Skill, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["supervisor", "skills_offered", "development_needs"]
    exclude = ["photo"]

    # A hand-made value that is not an id is refused on the form, not with a 500.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return keys_only_autocomplete(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return keys_only_autocomplete(super().formfield_for_manytomany(db_field, request, **kwargs))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Coordinators see the people enrolled in their programs; only superusers manage staff rights."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [ProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Rights", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def scope_filter(self, request):
        ids = program_ids(request)
        return Q(pk__in=User.objects.filter(enrollments__cohort__program__in=ids).values("pk")) | Q(
            pk__in=User.objects.filter(coordinated_programs__program__in=ids).values("pk")
        )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(self.scope_filter(request))

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["email", "password", "is_active", "is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined"]

    def get_object(self, request, object_id, from_field=None):
        return get_object_in_scope(super(), request, object_id, from_field)

    def user_change_password(self, request, id, form_url=""):
        # A participant may be staff or a superuser elsewhere: setting their
        # password would hand a coordinator their account.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def _in_scope(self, request, obj):
        return obj is None or request.user.is_superuser or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return is_program_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_program_staff(request) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_program_staff(request) and self._in_scope(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def has_module_permission(self, request):
        return is_program_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_program_staff(request)

    def has_change_permission(self, request, obj=None):
        return is_program_staff(request)

    def has_add_permission(self, request):
        return is_program_staff(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# ---------------------------------------------------------------------------
# Mentorships, meetings and agreements: what coordinators watch (issue 4)
#
# Coordinators see that meetings happened and how long they lasted, how many
# goals a pair has and whether the agreement is signed. Notes (shared or
# private), goal text and agreement terms are the pair's: no admin screen here
# shows them, and Goal is not registered at all.
# ---------------------------------------------------------------------------


# The site's badge colours (static/css/site.css), inline: the admin does not load site.css.
HEALTH_STYLE = {
    "on_track": "background:#198754;color:#fff",
    "due": "background:#0dcaf0;color:#000",
    "overdue": "background:#fd7e14;color:#000",
    "at_risk": "background:#dc3545;color:#fff",
}


def _health_badge(health) -> str:
    if not health:
        return "—"
    return format_html(
        '<span class="health health-{}" title="{}" style="{};padding:1px 6px;border-radius:4px;white-space:nowrap">'
        "{}</span>",
        health["code"],
        health["reason"],
        HEALTH_STYLE.get(health["code"], ""),
        health["label"],
    )


class HealthListFilter(admin.SimpleListFilter):
    """Active mentorships by health label, computed (batched) from compliance."""

    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return HEALTH_CHOICES

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        if code not in HEALTH_LABELS:
            return queryset.none()
        return queryset.filter(pk__in=health_ids(queryset, code))


class HealthChangeList(ChangeList):
    """Labels the rows of one page with their health in a constant number of queries."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = annotate_health(self.result_list)


class MeetingInline(ProgramScopedInline, admin.TabularInline):
    model = Meeting
    fields = ["starts_at", "kind", "mode", "status", "duration_minutes", "rescheduled_count", "last_change_notice_hours"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-starts_at"]
    verbose_name_plural = "meetings (notes are private to the pair)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description="Export contact hours (CSV) per participant and program year")
def export_contact_hours_csv(modeladmin, request, queryset):
    # The same file as the Exports page's, through the one formula-safe writer.
    return csv_response(contact_hours_rows(mentorships=queryset), dated("contact-hours"))


@admin.register(Mentorship)
class MentorshipAdmin(ProgramScopedAdmin):
    """Read-mostly for now: pairs form through invitations, matching and services."""

    program_path = "program"
    list_display = ["mentor", "mentee", "program_name", "health", "state", "started_on", "planned_end_on"]
    list_filter = [
        ("program", admin.RelatedOnlyFieldListFilter),
        ("cohort", CohortListFilter),
        "state",
        HealthListFilter,
        PartnerOrgUnitListFilter,
        PartnerLocationListFilter,
    ]
    list_select_related = ["mentor", "mentee", "program"]
    search_fields = [
        "mentor__first_name",
        "mentor__last_name",
        "mentor__email",
        "mentee__first_name",
        "mentee__last_name",
        "mentee__email",
        "mentor__profile__org_unit",
        "mentee__profile__org_unit",
    ]
    date_hierarchy = "started_on"
    actions = [export_contact_hours_csv]
    inlines = [MeetingInline]
    fieldsets = [
        (None, {"fields": ["program", "cohort", "mentor", "mentee", "state", "origin"]}),
        (
            "Dates",
            {"fields": ["started_on", "planned_end_on", "agreed_duration_months", "extended_count", "ended_on", "ended_by", "end_reason"]},
        ),
        ("Working life", {"fields": ["health_now", "contact_summary", "goals_count", "goals_shared_at", "agreement_status"]}),
        ("Record", {"fields": ["override_reason", "created_by", "created_at"]}),
    ]
    readonly_fields = [
        "program",
        "cohort",
        "mentor",
        "mentee",
        "state",
        "origin",
        "started_on",
        "planned_end_on",
        "agreed_duration_months",
        "extended_count",
        "ended_on",
        "ended_by",
        "end_reason",
        "health_now",
        "contact_summary",
        "goals_count",
        "goals_shared_at",
        "agreement_status",
        "override_reason",
        "created_by",
        "created_at",
    ]

    def get_changelist(self, request, **kwargs):
        return HealthChangeList

    def get_urls(self):
        from django.urls import path

        from . import admin_pairing

        wrap = self.admin_site.admin_view
        return [
            path("pair/", wrap(lambda r: admin_pairing.pair_view(self, r)), name="mentorship_mentorship_pair"),
            path("<int:pk>/end/", wrap(lambda r, pk: admin_pairing.end_view(self, r, pk)), name="mentorship_mentorship_end"),
            path(
                "<int:pk>/reassign/",
                wrap(lambda r, pk: admin_pairing.reassign_view(self, r, pk)),
                name="mentorship_mentorship_reassign",
            ),
        ] + super().get_urls()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(goal_total=Count("goals", distinct=True))

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="program", ordering="program__short_name")
    def program_name(self, obj):
        return obj.program.short_name

    @admin.display(description="health")
    def health(self, obj):
        return _health_badge(getattr(obj, "health", None))

    @admin.display(description="health")
    def health_now(self, obj):
        rows = annotate_health([obj])
        health = rows[0].health
        return f"{health['label']}: {health['reason']}" if health else "—"

    @admin.display(description="contact")
    def contact_summary(self, obj):
        from .models import MeetingStatus

        held = obj.meetings.filter(status=MeetingStatus.HELD)
        count = held.count()
        minutes = sum(held.values_list("duration_minutes", flat=True))
        return f"{count} meeting{'s' if count != 1 else ''} held, {minutes} minutes ({minutes / 60:.1f} hours)"

    @admin.display(description="goals")
    def goals_count(self, obj):
        total = getattr(obj, "goal_total", None)
        return obj.goals.count() if total is None else total

    @admin.display(description="agreement")
    def agreement_status(self, obj):
        agreement = Agreement.objects.filter(mentorship=obj).first()
        if agreement is None:
            return "Required, not written yet" if obj.program.requires_agreement else "None"
        return _signature_status(agreement)


def _signature_status(agreement: Agreement) -> str:
    def one(label, at):
        return f"{label} signed {timezone.localtime(at):%d %b %Y}" if at else f"{label} has not signed"

    return f"{one('mentor', agreement.mentor_signed_at)}; {one('mentee', agreement.mentee_signed_at)}"


class _ReadOnlyScoped(ProgramScopedMixin, admin.ModelAdmin):
    # Not ProgramScopedAdmin: these models keep no django-simple-history records,
    # and its history view needs them. The scoping is the same mixin.
    program_path = "mentorship__program"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
