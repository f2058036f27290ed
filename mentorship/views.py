from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from programs.errors import FAILED, RuleViolation, submit
from programs.models import Program
from programs.selectors import enrollments_for_user

from . import page_cache, selectors, services
from .compliance import annotate_health
from .forms import (
    DeclineForm,
    DirectoryFilterForm,
    DurationForm,
    EndMentorshipForm,
    ExtendForm,
    InvitationForm,
    JobHistoryFormSet,
    ProfileForm,
)
from .geo import resolve_location
from .models import InvitationState


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "mentorship/home.html")


@login_required
def dashboard(request):
    content = page_cache.cached_content(
        request,
        name="dashboard",
        render=lambda: _dashboard_content(request),
        fingerprint=page_cache.person_fingerprint(request.user.pk),
    )
    return render(request, "mentorship/dashboard.html", {"content": content})


def _dashboard_content(request) -> str:
    services.profile_ensure(user=request.user)
    lists = selectors.invitations_for_user(user=request.user)
    mentorships = list(selectors.mentorships_for_user(user=request.user))
    annotate_health(mentorships)  # compliance labels: meetings, contact hours, milestones
    received_pending = list(lists["received"].filter(state=InvitationState.PENDING)[:50])
    context = {
        "enrollments": enrollments_for_user(user=request.user),
        "received": lists["received"][:10],
        "sent": lists["sent"][:10],
        "mentorships": mentorships,
        "due": selectors.due_items(user=request.user, mentorships=mentorships, pending_received=received_pending),
    }
    return render_to_string("mentorship/_dashboard_content.html", context, request=request)


@login_required
def profile_edit(request):
    profile = services.profile_ensure(user=request.user)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ProfileForm(data, files, instance=profile, user=request.user)
    formset = JobHistoryFormSet(data, instance=profile, prefix="jobs")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in form.Meta.fields if name not in ("skills_offered", "development_needs")}
        if fields["photo"] is False:  # "clear" ticked
            fields["photo"] = ""
        services.profile_update(
            profile=profile,
            user_fields={"first_name": data["first_name"], "last_name": data["last_name"]},
            fields=fields,
            supervisor=data["supervisor_email"],
            skills_offered=data["skills_offered"],
            development_needs=data["development_needs"],
            job_history_formset=formset,
        )
        messages.success(request, "Your profile is saved.")
        return redirect("mentorship:profile")
    return render(request, "mentorship/profile_form.html", {"form": form, "formset": formset})


@login_required
def person_detail(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    profile = selectors.profile_with_details(user=person) if hasattr(person, "profile") else None
    return render(request, "mentorship/person_detail.html", {"person": person, "profile": profile})


@login_required
def person_photo(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    profile = getattr(person, "profile", None)
    if not profile or not profile.photo:
        raise Http404("No photo.")
    response = FileResponse(profile.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------
# Directory and invitations
# ---------------------------------------------------------------------------




DIRECTORY_PAGE_SIZE = 20


@login_required
def directory_index(request):
    """“Find a mentor”: straight to the directory when the mentee is in one program."""
    programs = list(
        Program.objects.filter(
            cohorts__enrollments__user=request.user,
            cohorts__enrollments__role="mentee",
            cohorts__enrollments__state="approved",
        ).distinct()
    )
    if len(programs) == 1:
        return redirect("mentorship:directory", slug=programs[0].slug)
    return render(request, "mentorship/directory_index.html", {"programs": programs})


@login_required
def directory(request, slug):
    program = selectors.directory_access(user=request.user, slug=slug)
    content = page_cache.cached_content(request, name="directory", render=lambda: _directory_content(request, program))
    return render(request, "mentorship/directory.html", {"program": program, "content": content})


def _directory_content(request, program) -> str:
    enrollment = selectors.directory_enrollment(program=program)
    units = selectors.mentor_units(program=program)
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
        mentor.free_places = max(program.max_mentees_per_mentor - mentor.active_count, 0)
        if getattr(mentor, "distance_km", None) is not None:
            mentor.distance_display = (
                f"{mentor.distance_km / selectors.KM_PER_MILE:.0f} miles" if miles else f"{mentor.distance_km:.0f} km"
            )
    return render_to_string(
        "mentorship/_directory_content.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "location_unknown": location_unknown,
            "suggestions": _suggestions(request, program, enrollment),
            "shortlists": _shortlists(request, program, enrollment),
        },
    )


def _suggestions(request, program, enrollment):
    """“Suggested for you”: the matching engine's best mentors with free places."""
    if enrollment is None:
        return []
    if not program.allows_self_selection and not program.allows_auto_matching:
        return []
    from matching.selectors import suggestions_for_mentee

    return suggestions_for_mentee(program=program, mentee=request.user, limit=3)


def _shortlists(request, program, enrollment):
    """Third-party matching: lists of potential mentors the coordinator sent this mentee."""
    if enrollment is None:
        return []
    from matching.selectors import shortlists_for_mentee

    return shortlists_for_mentee(program=program, mentee=request.user)


def _mentor_page(request, program, mentor, invite_form=None, status=200):
    is_mentee = program.mentee_enrollment_id is not None  # directory_access: False for a coordinator
    free_places = max(program.max_mentees_per_mentor - mentor.active_count, 0)
    blocker = None
    if is_mentee and program.allows_self_selection:
        try:
            services.pair_check(program=program, mentor=mentor, mentee=request.user)
        except RuleViolation as error:
            blocker = error.message
    pending = (
        is_mentee
        and mentor.invitations_received.filter(mentee=request.user, state=InvitationState.PENDING).first()
    )
    profile = getattr(mentor, "profile", None)  # with its skills and history (mentor_get_for_program)
    return render(
        request,
        "mentorship/mentor_detail.html",
        {
            "program": program,
            "person": mentor,
            "profile": profile,
            "free_places": free_places,
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


@login_required
def invitations(request):
    lists = selectors.invitations_for_user(user=request.user)
    return render(request, "mentorship/invitations.html", lists)


def _invitation_page(request, invitation, decline_form=None):
    return render(
        request,
        "mentorship/invitation_detail.html",
        {
            "invitation": invitation,
            "is_mentor": request.user.pk == invitation.mentor_id,
            "is_mentee": request.user.pk == invitation.mentee_id,
            "decline_form": decline_form or DeclineForm(),
            "free_places": max(
                invitation.program.max_mentees_per_mentor
                - services.mentor_active_count(mentor=invitation.mentor, program=invitation.program),
                0,
            ),
        },
    )


@login_required
def invitation_detail(request, pk):
    invitation = selectors.invitation_get_for_user(user=request.user, pk=pk)
    return _invitation_page(request, invitation)


def _participant_invitation(request, pk):
    invitation = selectors.invitation_get_for_user(user=request.user, pk=pk)
    if request.user.pk not in (invitation.mentee_id, invitation.mentor_id):
        raise Http404("No such invitation.")
    return invitation


@login_required
@require_POST
def invitation_accept(request, pk):
    invitation = _participant_invitation(request, pk)
    try:
        mentorship = services.invitation_accept(invitation=invitation, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
        invitation.refresh_from_db()
        return _invitation_page(request, invitation)
    messages.success(request, f"You are now {mentorship.mentee.display_name}'s mentor.")
    return redirect(mentorship.get_absolute_url())


@login_required
@require_POST
def invitation_decline(request, pk):
    invitation = _participant_invitation(request, pk)
    form = DeclineForm(request.POST)
    declined = submit(
        form, lambda data: services.invitation_decline(invitation=invitation, by=request.user, reason=data["reason"])
    )
    if declined is FAILED:
        return _invitation_page(request, invitation, decline_form=form)
    messages.info(request, "You declined the invitation; the mentee has been told.")
    return redirect("mentorship:invitations")


@login_required
@require_POST
def invitation_withdraw(request, pk):
    invitation = _participant_invitation(request, pk)
    try:
        services.invitation_withdraw(invitation=invitation, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
        return _invitation_page(request, invitation)
    messages.info(request, "You withdrew the invitation.")
    return redirect("mentorship:invitations")


# ---------------------------------------------------------------------------
# Mentorships
# ---------------------------------------------------------------------------


def _mentorship_page(request, mentorship, *, end_form=None, duration_form=None, extend_form=None):
    program = mentorship.program
    early_from = services.early_end_from(mentorship=mentorship)
    today = timezone.localdate()
    context = {
        "mentorship": mentorship,
        "program": program,
        "role": mentorship.role_of(request.user),
        "partner": mentorship.partner_of(request.user) if mentorship.role_of(request.user) else None,
        "end_form": end_form or EndMentorshipForm(),
        "duration_form": duration_form or DurationForm(),
        "extend_form": extend_form or ExtendForm(),
        "early_end_from": early_from if early_from and today < early_from else None,
        "needs_duration": mentorship.is_active and not program.duration_months and not program.ends_with_cohort
        and mentorship.agreed_duration_months is None,
        "discovery_held": services.has_held_meeting(mentorship=mentorship, kind="discovery"),
        "wrapup_held": services.has_held_meeting(mentorship=mentorship, kind="wrapup"),
        "extra": _mentorship_extra(request, mentorship),
    }
    return render(request, "mentorship/mentorship_detail.html", context)


def _mentorship_extra(request, mentorship):
    """Sections other modules add to the mentorship page (meetings, goals, agreement)."""
    try:
        from .worklife import mentorship_sections
    except ImportError:
        return {}
    return mentorship_sections(request=request, mentorship=mentorship)


@login_required
def mentorship_detail(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk)
    return _mentorship_page(request, mentorship)


@login_required
@require_POST
def mentorship_end(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    form = EndMentorshipForm(request.POST)
    ended = submit(
        form,
        lambda data: services.mentorship_end(
            mentorship=mentorship, by=request.user, reason=data["reason"], completed=data["outcome"] == "completed"
        ),
    )
    if ended is FAILED:
        return _mentorship_page(request, mentorship, end_form=form)
    messages.success(request, "The mentorship has ended; your partner has been told.")
    return redirect(mentorship.get_absolute_url())


@login_required
@require_POST
def mentorship_duration(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    form = DurationForm(request.POST)
    done = submit(
        form, lambda data: services.mentorship_set_duration(mentorship=mentorship, by=request.user, months=data["months"])
    )
    if done is FAILED:
        return _mentorship_page(request, mentorship, duration_form=form)
    messages.success(request, "The agreed duration is recorded.")
    return redirect(mentorship.get_absolute_url())


@login_required
@require_POST
def mentorship_extend(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    form = ExtendForm(request.POST)
    done = submit(
        form, lambda data: services.mentorship_extend(mentorship=mentorship, by=request.user, months=data["months"])
    )
    if done is FAILED:
        return _mentorship_page(request, mentorship, extend_form=form)
    messages.success(request, "The mentorship is extended.")
    return redirect(mentorship.get_absolute_url())


@login_required
def notifications(request):
    items = request.user.notifications.all()[:100]
    return render(request, "mentorship/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request):
    services.notification_mark_read(user=request.user)
    return redirect("mentorship:notifications")


@csrf_exempt
def unsubscribe(request, token):
    """The link in every non-essential email: no login, the signed token is the credential.

    A GET shows the choices; a POST saves one. Mail clients' one-click
    unsubscribe (RFC 8058) POSTs “List-Unsubscribe=One-Click” without a CSRF
    token, hence the exemption: the signed token already proves the link came
    from the person's own email.
    """
    from .models import EmailFrequency
    from .reminders import email_frequency_set, unsubscribe_user_id

    user_id = unsubscribe_user_id(token)
    if user_id is None:
        raise Http404("This link is not valid.")
    saved = None
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            choice = EmailFrequency.OFF
        else:
            choice = request.POST.get("frequency", EmailFrequency.OFF)
        if choice not in EmailFrequency.values:
            choice = EmailFrequency.OFF
        email_frequency_set(user_id=user_id, frequency=choice)
        saved = EmailFrequency(choice).label
    return render(request, "mentorship/unsubscribe.html", {"choices": EmailFrequency.choices, "saved": saved})
