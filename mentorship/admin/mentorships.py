"""Mentorships in the admin: every pair with its health, its meetings and its
agreement's signatures; pairing, ending and reassigning go through the services."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count
from django.utils.html import format_html

from programs.admin import CohortListFilter
from programs.admin_scope import (
    ProgramScopedAdmin,
    ProgramScopedInline,
    ReadOnlyAdminMixin,
)
from programs.formats import date_text

from ..admin import pairing
from ..models import Agreement, Meeting, MeetingStatus, Mentorship, MentorshipDecision
from ..reports.exports import contact_hours_rows, csv_response, dated
from ..selectors.compliance import HEALTH_CHOICES, HEALTH_LABELS, annotate_health, health_ids
from .filters import PartnerLocationListFilter, PartnerOrgUnitListFilter

# Also registers the Enrollment admin with profiles and pairs: filters, import, exports (issue 7).


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


class MeetingInline(ReadOnlyAdminMixin, ProgramScopedInline, admin.TabularInline):
    model = Meeting
    fields = ["starts_at", "kind", "mode", "status", "duration_minutes", "rescheduled_count", "last_change_notice_hours"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-starts_at"]
    verbose_name_plural = "meetings (notes are private to the pair)"


class DecisionInline(ReadOnlyAdminMixin, ProgramScopedInline, admin.TabularInline):
    """What the partners answered when asked to extend or close (HPMSNJ, HHS, WTAP)
    or, at WTAP's evaluation after the initial period, to continue or end."""

    model = MentorshipDecision
    fields = ["question", "term", "user", "answer", "answered_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name = "answer"
    verbose_name_plural = "answers to the program's questions"


@admin.action(description="Export contact hours (CSV) per participant and program year")
def export_contact_hours_csv(modeladmin, request, queryset):
    # The same file as the Exports page's, through the one formula-safe writer.
    return csv_response(contact_hours_rows(mentorships=queryset), dated("contact-hours"))


@admin.register(Mentorship)
class MentorshipAdmin(ReadOnlyAdminMixin, ProgramScopedAdmin):
    """Read-mostly for now: pairs form through invitations, matching and services."""

    program_path = "program"
    list_display = ["mentor", "mentee", "program_name", "health", "state", "started_on", "term"]
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
    inlines = [DecisionInline, MeetingInline]
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


        wrap = self.admin_site.admin_view
        return [
            path("pair/", wrap(lambda r: pairing.pair_view(self, r)), name="mentorship_mentorship_pair"),
            path("<int:pk>/end/", wrap(lambda r, pk: pairing.end_view(self, r, pk)), name="mentorship_mentorship_end"),
            path(
                "<int:pk>/reassign/",
                wrap(lambda r, pk: pairing.reassign_view(self, r, pk)),
                name="mentorship_mentorship_reassign",
            ),
        ] + super().get_urls()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(goal_total=Count("goals", distinct=True))

    @admin.display(description="program", ordering="program__short_name")
    def program_name(self, obj):
        return obj.program.short_name

    @admin.display(description="planned end / ended", ordering="planned_end_on")
    def term(self, obj):
        """A live pair's planned end; an ended pair's end, with the reason (the program's, or a short one)."""
        if obj.ended_on:
            reason = obj.end_reason if len(obj.end_reason) <= 60 else obj.end_reason[:57].rstrip() + "…"
            return f"ended {date_text(obj.ended_on)}: {reason}" if reason else f"ended {date_text(obj.ended_on)}"
        return date_text(obj.planned_end_on) if obj.planned_end_on else "—"

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
        return f"{label} signed {date_text(at)}" if at else f"{label} has not signed"

    return f"{one('mentor', agreement.mentor_signed_at)}; {one('mentee', agreement.mentee_signed_at)}"
