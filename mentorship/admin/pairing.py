"""Committee, sponsor and third-party pairing in the admin: pair two people, end a
pair, reassign a mentee. Every screen calls the same services as the site, so
every rule holds here too; a coordinator may set aside a soft rule only with an
override reason, which is recorded on the mentorship."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from programs.admin_scope import program_ids
from programs.errors import FAILED, submit
from programs.models import Program

from .. import services
from ..forms.pairing import EndForm, PairForm, ReassignForm
from ..models import Mentorship, MentorshipOrigin


def _programs(request):
    qs = Program.objects.filter(is_active=True)
    return qs if request.user.is_superuser else qs.filter(pk__in=program_ids(request))


def _mentorship(model_admin, request, pk) -> Mentorship:
    mentorship = model_admin.get_queryset(request).select_related("program", "mentor", "mentee").filter(pk=pk).first()
    if mentorship is None:
        raise Http404("No such mentorship.")
    return mentorship


def _render(model_admin, request, template, title, **context):
    return render(
        request,
        template,
        {**model_admin.admin_site.each_context(request), "title": title, "opts": model_admin.model._meta, **context},
    )


def pair_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = PairForm(request.POST or None, programs=_programs(request), initial={"program": request.GET.get("program")})
    if request.method == "POST":
        mentorship = submit(
            form,
            lambda data: services.mentorship_create(
                program=data["program"],
                mentor=data["mentor"],
                mentee=data["mentee"],
                by=request.user,
                origin=MentorshipOrigin.COORDINATOR,
                override_reason=data["override_reason"],
            ),
        )
        if mentorship is not FAILED:
            messages.success(request, f"Paired: {mentorship}. Both have been told.")
            return redirect("admin:mentorship_mentorship_change", mentorship.pk)
    return _render(model_admin, request, "admin/mentorship/pair_form.html", "Pair a mentor and a mentee", form=form)


def end_view(model_admin, request, pk):
    mentorship = _mentorship(model_admin, request, pk)
    form = EndForm(request.POST or None)
    if request.method == "POST":
        ended = submit(
            form,
            lambda data: services.mentorship_end(
                mentorship=mentorship, by=request.user, reason=data["reason"], completed=data["outcome"] == "completed"
            ),
        )
        if ended is not FAILED:
            messages.success(request, f"Ended: {mentorship}.")
            return redirect("admin:mentorship_mentorship_change", mentorship.pk)
    return _render(model_admin, request, "admin/mentorship/pair_form.html", f"End {mentorship}", form=form, mentorship=mentorship)


def reassign_view(model_admin, request, pk):
    mentorship = _mentorship(model_admin, request, pk)
    form = ReassignForm(request.POST or None)
    if request.method == "POST":
        new = submit(
            form,
            lambda data: services.mentorship_reassign(
                mentorship=mentorship,
                new_mentor=data["new_mentor"],
                by=request.user,
                reason=data["reason"],
                override_reason=data["override_reason"],
            ),
        )
        if new is not FAILED:
            messages.success(request, f"Reassigned: {new}.")
            return redirect("admin:mentorship_mentorship_change", new.pk)
    return _render(
        model_admin, request, "admin/mentorship/pair_form.html", f"Reassign {mentorship.mentee}", form=form, mentorship=mentorship
    )
