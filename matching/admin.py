"""Coordinators' matching screens: auto-matching runs, proposal review, shortlists."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from mentorship.models import User
from programs.admin_scope import ProgramScopedAdmin, program_ids
from programs.errors import RuleViolation
from programs.models import Cohort, MatchingMethod, Program

from . import engine, services
from .models import MatchingWeights, MatchProposal, MatchRun, MatchRunState, ProposalState, Shortlist


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(ProgramScopedAdmin):
    list_display = ["program", "needs", "goals", "platform", "distance", "org_unit", "leadership", "min_score"]
    fieldsets = [
        (None, {"fields": ["program"]}),
        ("Weights (relative; they are normalised to add up to 1)", {"fields": ["needs", "goals", "platform", "distance", "org_unit", "leadership"]}),
        ("Thresholds", {"fields": ["distance_scale_km", "min_score"]}),
    ]


class RunForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), help_text="Approved mentees without a mentor are matched with approved mentors who have free places.")

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


@admin.register(MatchRun)
class MatchRunAdmin(ProgramScopedAdmin):
    list_display = ["__str__", "program", "cohort", "state", "created_at", "proposals_open", "confirmed", "unmatched_count", "review_link"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "state"]
    date_hierarchy = "created_at"
    list_select_related = ["program", "cohort__program"]
    readonly_fields = ["program", "cohort", "state", "created_by", "created_at", "mentees_considered", "mentors_considered", "seconds", "total_score"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _open=Count("proposals", filter=Q(proposals__state=ProposalState.PROPOSED), distinct=True),
                _confirmed=Count("proposals", filter=Q(proposals__state=ProposalState.CONFIRMED), distinct=True),
                _unmatched=Count("unmatched", distinct=True),
            )
        )

    @admin.display(description="to review", ordering="_open")
    def proposals_open(self, obj):
        return obj._open

    @admin.display(ordering="_confirmed")
    def confirmed(self, obj):
        return obj._confirmed

    @admin.display(description="unmatched", ordering="_unmatched")
    def unmatched_count(self, obj):
        return obj._unmatched

    @admin.display(description="")
    def review_link(self, obj):
        return format_html('<a href="{}">Review</a>', reverse("admin:matching_matchrun_review", args=[obj.pk]))

    def has_add_permission(self, request, *args):
        return False

    def get_urls(self):
        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="matching_matchrun_run"),
            path("<int:pk>/review/", self.admin_site.admin_view(self.review_view), name="matching_matchrun_review"),
            path("shortlist/", self.admin_site.admin_view(self.shortlist_view), name="matching_shortlist_build"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "run_url": reverse("admin:matching_matchrun_run"), "shortlist_url": reverse("admin:matching_shortlist_build")}
        return super().changelist_view(request, extra_context)

    def _cohorts(self, request, method):
        qs = Cohort.objects.select_related("program").filter(is_closed=False)
        if not request.user.is_superuser:
            qs = qs.filter(program__in=program_ids(request))
        return qs.filter(pk__in=[c.pk for c in qs if method in c.program.matching_methods])

    def run_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        cohorts = self._cohorts(request, MatchingMethod.AUTO)
        form = RunForm(request.POST or None, cohorts=cohorts)
        if request.method == "POST" and form.is_valid():
            cohort = form.cleaned_data["cohort"]
            try:
                run = services.match_run_create(program=cohort.program, cohort=cohort, by=request.user)
            except RuleViolation as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"Proposed {run.proposals.count()} pair(s) for {cohort} in {run.seconds:.2f} s; "
                    f"{run.unmatched.count()} mentee(s) unmatched. Review and confirm below.",
                )
                return redirect("admin:matching_matchrun_review", run.pk)
        context = {**self.admin_site.each_context(request), "title": "Run auto-matching", "form": form, "opts": self.model._meta}
        return render(request, "admin/matching/run.html", context)

    def review_view(self, request, pk):
        run = self.get_queryset(request).select_related("program", "cohort").filter(pk=pk).first()
        if run is None:
            raise Http404("No such match run.")
        proposals = list(run.proposals.select_related("mentee__profile", "mentor__profile").order_by("-score"))
        if request.method == "POST":
            action = request.POST.get("action")
            chosen = [p for p in proposals if str(p.pk) in request.POST.getlist("proposal")]
            try:
                if action == "confirm":
                    result = services.match_run_confirm(run=run, proposals=chosen, by=request.user)
                    messages.success(request, f"Confirmed {result['confirmed']} pair(s); participants are notified.")
                    if result["failed"]:
                        messages.warning(request, f"{result['failed']} proposal(s) could not be confirmed; see why below.")
                elif action == "reject":
                    for proposal in chosen:
                        services.proposal_reject(proposal=proposal, by=request.user)
                    messages.info(request, f"Rejected {len(chosen)} proposal(s).")
                elif action == "swap":
                    proposal = next(p for p in proposals if str(p.pk) == request.POST.get("swap_proposal"))
                    mentor = User.objects.get(pk=request.POST.get("swap_mentor"))
                    services.proposal_swap(proposal=proposal, mentor=mentor, by=request.user)
                    messages.success(request, f"{proposal.mentee} is now proposed with {mentor}.")
                elif action == "discard":
                    services.match_run_discard(run=run, by=request.user)
                    messages.info(request, "The run is discarded.")
            except RuleViolation as error:
                messages.error(request, error.message)
            except (StopIteration, User.DoesNotExist, ValueError):
                messages.error(request, "Choose a proposal and a mentor to swap.")
            return redirect("admin:matching_matchrun_review", run.pk)
        from .features import build_pool

        built = build_pool(program=run.program, cohort=run.cohort)
        swap_mentors = User.objects.filter(pk__in=built.mentor_ids).order_by("last_name", "first_name")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review {run}",
            "run": run,
            "proposals": proposals,
            "unmatched": run.unmatched.select_related("mentee"),
            "swap_mentors": swap_mentors,
            "opts": self.model._meta,
            "is_open": run.state == MatchRunState.PROPOSED,
        }
        return render(request, "admin/matching/review.html", context)

    def shortlist_view(self, request):
        """Third-party matching: pick a mentee, see ranked eligible mentors, send a shortlist."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        programs = Program.objects.filter(is_active=True)
        if not request.user.is_superuser:
            programs = programs.filter(pk__in=program_ids(request))
        programs = [p for p in programs if MatchingMethod.THIRD_PARTY in p.matching_methods]
        program = next((p for p in programs if str(p.pk) == request.GET.get("program")), programs[0] if programs else None)
        mentee, ranked = None, []
        mentees = []
        if program:
            from programs.models import Enrollment, EnrollmentState, Role

            mentees = User.objects.filter(
                pk__in=Enrollment.objects.filter(cohort__program=program, role=Role.MENTEE, state=EnrollmentState.APPROVED).values("user_id")
            ).order_by("last_name", "first_name")
            mentee = mentees.filter(pk=request.GET.get("mentee") or 0).first()
            if mentee:
                ranked = services.ranked_mentors(program=program, mentee=mentee, limit=25, audience=engine.COORDINATOR)
        if request.method == "POST" and program and mentee:
            chosen = [row["mentor"] for row in ranked if str(row["mentor"].pk) in request.POST.getlist("mentor")]
            try:
                services.shortlist_create(program=program, mentee=mentee, mentors=chosen, note=request.POST.get("note", ""), by=request.user)
            except RuleViolation as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Sent {mentee} a shortlist of {len(chosen)} mentor(s).")
                return redirect(f"{reverse('admin:matching_shortlist_build')}?program={program.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": "Find mentors for a mentee (third-party matching)",
            "programs": programs,
            "program": program,
            "mentees": mentees,
            "mentee": mentee,
            "ranked": ranked,
            "opts": self.model._meta,
        }
        return render(request, "admin/matching/shortlist.html", context)


@admin.register(MatchProposal)
class MatchProposalAdmin(ProgramScopedAdmin):
    program_path = "run__program"
    list_display = ["mentee", "mentor", "score", "state", "run"]
    list_filter = ["state", ("run__program", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["mentee__email", "mentee__last_name", "mentor__email", "mentor__last_name"]
    list_select_related = ["mentee", "mentor", "run__program", "run__cohort__program"]
    readonly_fields = ["run", "mentee", "mentor", "score", "components", "state", "message", "decided_by", "decided_at", "mentorship"]

    def has_add_permission(self, request, *args):
        return False


@admin.register(Shortlist)
class ShortlistAdmin(ProgramScopedAdmin):
    list_display = ["mentee", "program", "created_by", "created_at", "size"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["mentee", "program", "created_by"]
    readonly_fields = ["program", "mentee", "note", "created_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_size=Count("entries"))

    @admin.display(ordering="_size")
    def size(self, obj):
        return obj._size

    def has_add_permission(self, request, *args):
        return False
