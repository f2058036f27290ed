"""A person's own profile, others' public profiles, and profile photos."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from programs.errors import FAILED, submit

from .. import selectors, services
from ..forms.people import JobHistoryFormSet, ProfileForm


@login_required
def profile_edit(request):
    profile = services.profile_ensure(user=request.user)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ProfileForm(
        data, files, instance=profile, user=request.user, unit_labels=selectors.org_unit_labels(user=request.user)
    )
    formset = JobHistoryFormSet(data, instance=profile, prefix="jobs")
    if request.method == "POST":

        def save(data):
            fields = {name: data[name] for name in form.Meta.fields if name not in ("skills_offered", "development_needs")}
            if fields["photo"] is False:  # "clear" ticked
                fields["photo"] = ""
            return services.profile_update(
                profile=profile,
                user_fields={"first_name": data["first_name"], "last_name": data["last_name"]},
                fields=fields,
                supervisor_email=data["supervisor_email"],
                skills_offered=data["skills_offered"],
                development_needs=data["development_needs"],
                job_history_formset=formset,
            )

        history_ok = formset.is_valid()
        if submit(form, save if history_ok else lambda data: FAILED) is not FAILED:
            messages.success(request, "Your profile is saved.")
            return redirect("people:profile")
    return render(request, "mentorship/people/profile_form.html", {"form": form, "formset": formset})


@login_required
def person_detail(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    profile = selectors.profile_with_details(user=person) if hasattr(person, "profile") else None
    return render(request, "mentorship/people/person_detail.html", {"person": person, "profile": profile})


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
