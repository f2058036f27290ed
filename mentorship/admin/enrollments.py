"""The coordinator's enrolment screens that need people's profiles and pairs.

programs/admin.py owns the Enrollment admin (states, the cap, bulk decisions);
it cannot know about profiles or mentorships (programs imports no other app).
This module extends it the way Django's docs extend UserAdmin — a subclass
registered in its place — with:

- filters by organisation unit (HHS: OPDIV), location and "paired" (an
  active mentorship in the program in that role), and those columns (the
  unit and location filters serve the Mentorship list too);
- the participant import (upload, preview, import; mentorship/services/participant_import.py);
- the CSV exports (mentorship/reports/exports.py), scoped to the coordinator's programs.

Imported by mentorship/admin/__init__.py.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse

from programs.admin import EnrollmentAdmin as BaseEnrollmentAdmin
from programs.admin_scope import program_ids
from programs.models import Enrollment, Program

from ..forms.participant_import import ImportForm
from ..reports import exports
from ..services import participant_import
from .filters import LocationListFilter, OrgUnitListFilter, PairedListFilter

EXPORTS = {
    "participants": ("Participants", "Everyone enrolled, with their profile: organisation, unit, location, skills."),
    "mentorships": ("Mentorships", "Every pair, its dates and its health today."),
    "contact-hours": (
        "Contact hours",
        "Held meetings and hours per participant per program year, month by month (KY documents them in KELMS).",
    ),
    "surveys": ("Survey response rates", "Each survey's sends and answers; each survey's answers have their own export."),
}


admin.site.unregister(Enrollment)


@admin.register(Enrollment)
class EnrollmentAdmin(BaseEnrollmentAdmin):
    list_display = [
        "user",
        "role",
        "cohort",
        "state",
        "answers",
        "org_unit",
        "location",
        "platform_preference",
        "applied_at",
    ]
    list_filter = [
        *BaseEnrollmentAdmin.list_filter,
        PairedListFilter,
        OrgUnitListFilter,
        LocationListFilter,
    ]
    search_fields = [
        *BaseEnrollmentAdmin.search_fields,
        "user__profile__organisation",
        "user__profile__org_unit",
        "user__profile__location",
    ]
    list_select_related = ["user__profile", "cohort__program"]
    change_list_template = "admin/programs/enrollment/change_list.html"

    def get_list_display(self, request):
        # Columns the coordinator's programs use: KY's answers, HHS's platforms.
        programs = Program.objects.filter(pk__in=program_ids(request))
        columns = list(super().get_list_display(request))
        if not programs.filter(requires_application_approval=True).exists():
            columns.remove("answers")
        if not programs.exclude(platforms=[]).exists():
            columns.remove("platform_preference")
        return columns

    @admin.display(description="unit", ordering="user__profile__org_unit")
    def org_unit(self, obj):
        profile = getattr(obj.user, "profile", None)
        return (profile.org_unit if profile else "") or "—"

    @admin.display(ordering="user__profile__location")
    def location(self, obj):
        profile = getattr(obj.user, "profile", None)
        return (profile.location if profile else "") or "—"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="programs_enrollment_import"),
            path("exports/", view(self.exports_view), name="programs_enrollment_exports"),
            path("exports/csv/", view(self.export_view), name="programs_enrollment_export"),
        ] + super().get_urls()

    # -- scope ---------------------------------------------------------------

    def _programs(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return Program.objects.filter(pk__in=program_ids(request)).order_by("name")

    def _chosen(self, request) -> set[int]:
        """The program asked for (404 outside the coordinator's), or all of theirs."""
        allowed = set(program_ids(request))
        wanted = request.GET.get("program", "")
        if not wanted:
            return allowed
        try:
            pk = int(wanted)
        except ValueError:
            raise Http404("No such program.")
        if pk not in allowed:
            raise Http404("Not one of your programs.")
        return {pk}

    # -- import --------------------------------------------------------------

    def import_view(self, request):
        programs = self._programs(request)
        if not self.has_add_permission(request):
            raise PermissionDenied
        result = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES, programs=programs)
            if form.is_valid():
                data = form.cleaned_data["data"]
                confirm = form.cleaned_data["confirm"] and not form.cleaned_data.get("file")
                result = participant_import.participants_import(
                    program=form.cleaned_data["program"], data=data, by=request.user, dry_run=not confirm
                )
                if confirm and result.ok:
                    messages.success(request, f"{form.cleaned_data['program'].short_name}: {result.summary()}")
                    return redirect(
                        f"{reverse('admin:programs_enrollment_changelist')}?cohort__program__id__exact="
                        f"{form.cleaned_data['program'].pk}"
                    )
                if isinstance(data, bytes):
                    data = data.decode("utf-8-sig", errors="replace")
                form = ImportForm(
                    initial={"program": form.cleaned_data["program"], "content": data, "confirm": True},
                    programs=programs,
                )
        else:
            initial = {}
            if request.GET.get("program", "").isdigit():
                initial["program"] = programs.filter(pk=request.GET["program"]).first()
            form = ImportForm(initial=initial, programs=programs)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import participants",
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "columns": participant_import.COLUMNS,
            "required": participant_import.REQUIRED,
        }
        return render(request, "admin/programs/enrollment/import.html", context)

    # -- exports -------------------------------------------------------------

    def exports_view(self, request):
        programs = list(self._programs(request).filter(pk__in=self._chosen(request)))
        surveys = exports.surveys_of(programs=programs)
        context = {
            **self.admin_site.each_context(request),
            "title": "Exports",
            "opts": self.model._meta,
            "programs": programs,
            "exports": EXPORTS,
            "surveys": surveys,
            "program_param": request.GET.get("program", ""),
        }
        return render(request, "admin/programs/enrollment/exports.html", context)

    def export_view(self, request):
        self._programs(request)
        ids = self._chosen(request)
        kind = request.GET.get("kind", "")
        if kind not in EXPORTS:
            raise Http404("No such export.")
        names = list(Program.objects.filter(pk__in=ids).order_by("slug").values_list("slug", flat=True))
        prefix = names[0] if len(names) == 1 else "programs"
        if kind == "participants":
            rows = exports.participant_rows(enrollments=exports.scoped_enrollments(ids))
        elif kind == "mentorships":
            rows = exports.mentorship_rows(mentorships=exports.scoped_mentorships(ids))
        elif kind == "contact-hours":
            rows = exports.contact_hours_rows(mentorships=exports.scoped_mentorships(ids))
        else:
            rows = exports.survey_rows(program_ids=ids)
        return exports.csv_response(rows, exports.dated(f"{prefix}-{kind}"))
