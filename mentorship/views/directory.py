"""Finding a mentor: the directory with its filters and suggestions, a mentor's page, the invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from programs.errors import FAILED, RuleViolation, submit

from .. import selectors, services
from ..forms.directory import DirectoryFilterForm, InvitationForm
from ..selectors.geo import resolve_location
from ..web import pages

# ---------------------------------------------------------------------------
# Directory and invitations
# ---------------------------------------------------------------------------


DIRECTORY_PAGE_SIZE = 20


@login_required
def directory_index(request):
    """“Find a mentor”: straight to the directory when the mentee is in one program."""
    programs = selectors.programs_to_browse(user=request.user)
    if len(programs) == 1:
        return redirect("directory:list", slug=programs[0].slug)
    return render(request, "mentorship/directory/index.html", {"programs": programs})


@login_required
def directory(request, slug):
    program = selectors.directory_access(user=request.user, slug=slug)
    content = pages.DIRECTORY.content(request, render=lambda: _directory_content(request, program))
    return render(request, "mentorship/directory/directory.html", {"program": program, "content": content})


def _directory_content(request, program) -> str:
    enrollment = selectors.directory_enrollment(program=program)
    units = pages.PEOPLE_VALUES.get(f"mentor-units:{program.pk}", lambda: selectors.mentor_units(program=program))
    data = request.GET.copy()
    if "level" not in data and enrollment and enrollment.platform_preference:
        data["level"] = enrollment.platform_preference
    form = DirectoryFilterForm(data, units=units)
    filters = selectors.DirectoryFilters()
    location_unknown = False
    if form.is_valid():
        cd = form.cleaned_data
        filters.q = cd["q"].strip()
        filters.skills = list(cd["skill"])
        filters.unit = cd["unit"]
        filters.level = cd["level"]
        filters.free_only = cd["free"]
        if cd["near"]:
            filters.near = resolve_location(cd["near"])
            location_unknown = filters.near is None
            if filters.near and cd["within"]:
                factor = selectors.KM_PER_MILE if cd["distance_unit"] == "mi" else 1.0
                filters.within_km = cd["within"] * factor
    viewer_level = getattr(getattr(request.user, "profile", None), "career_level", None)
    mentors = selectors.mentor_directory(program=program, viewer=request.user, filters=filters, viewer_level=viewer_level)
    page = Paginator(mentors, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    miles = form.is_valid() and form.cleaned_data.get("distance_unit") == "mi"
    for mentor in page.object_list:
        if getattr(mentor, "distance_km", None) is not None:
            mentor.distance_display = (
                f"{mentor.distance_km / selectors.KM_PER_MILE:.0f} miles" if miles else f"{mentor.distance_km:.0f} km"
            )
    return render_to_string(
        "mentorship/directory/_content.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "location_unknown": location_unknown,
            # Shortlists and suggestions are matching's, shown with its template tags.
            "is_mentee": enrollment is not None,
            "viewer": request.user,
        },
    )


def _mentor_page(request, program, mentor, invite_form=None, status=200):
    is_mentee = program.mentee_enrollment_id is not None  # directory_access: False for a coordinator
    blocker = None
    if is_mentee and program.allows_self_selection:
        try:
            services.pair_check(program=program, mentor=mentor, mentee=request.user)
        except RuleViolation as error:
            blocker = error.message
    pending = is_mentee and selectors.pending_invitation(mentee=request.user, mentor=mentor)
    profile = getattr(mentor, "profile", None)  # with its skills and history (mentor_get_for_program)
    return render(
        request,
        "mentorship/directory/mentor_detail.html",
        {
            "program": program,
            "person": mentor,
            "profile": profile,
            "free_places": mentor.free_places,  # selectors.capacity
            "can_invite": is_mentee and program.allows_self_selection and not blocker and not pending,
            "blocker": blocker,
            "pending": pending,
            "is_mentee": is_mentee,
            "form": invite_form or InvitationForm(),
        },
        status=status,
    )


@login_required
def mentor_detail(request, slug, pk):
    program = selectors.directory_access(user=request.user, slug=slug)
    mentor = selectors.mentor_get_for_program(program=program, pk=pk)
    return _mentor_page(request, program, mentor)


@login_required
@require_POST
def invite(request, slug, pk):
    program = selectors.directory_access(user=request.user, slug=slug)
    mentor = selectors.mentor_get_for_program(program=program, pk=pk)
    form = InvitationForm(request.POST)
    source = request.POST.get("source")
    invitation = submit(
        form,
        lambda data: services.invitation_send(
            mentee=request.user,
            mentor=mentor,
            program=program,
            message=data["message"],
            source=source if source in ("suggestion", "shortlist") else "directory",
        ),
    )
    if invitation is FAILED:
        return _mentor_page(request, program, mentor, invite_form=form)
    messages.success(request, f"Your invitation is on its way to {mentor.display_name}.")
    return redirect(invitation.get_absolute_url())


# ---------------------------------------------------------------------------
# Mentorships
# ---------------------------------------------------------------------------
