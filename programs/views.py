from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .errors import RuleViolation
from .forms import EnrollmentForm
from .models import EnrollmentState, Role


@login_required
def program_list(request):
    programs = selectors.program_list_for_user(user=request.user)
    mine = selectors.enrolled_program_ids(user=request.user)
    return render(request, "programs/program_list.html", {"programs": programs, "mine": mine})


@login_required
def program_detail(request, slug):
    program = selectors.program_get(slug=slug)
    enrollments = selectors.program_enrollments_of(user=request.user, program=program)
    rows = selectors.cohort_rows_for(user=request.user, program=program, enrollments=enrollments)
    return render(
        request,
        "programs/program_detail.html",
        {"program": program, "cohort_rows": rows, "roles": Role, "enrollments": enrollments},
    )


@login_required
def enroll(request, slug, cohort_pk, role):
    program = selectors.program_get(slug=slug)
    cohort = selectors.cohort_get_open(program=program, pk=cohort_pk)
    if role not in Role.values:
        raise Http404("No such role.")
    # Bound on every POST, even an empty one: AAHPM's form has only optional fields.
    form = EnrollmentForm(request.POST if request.method == "POST" else None, program=program, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = services.enrollment_apply(user=request.user, cohort=cohort, role=role, **form.cleaned_data)
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            if enrollment.state == EnrollmentState.APPLIED:
                messages.success(
                    request,
                    f"Your application to {cohort} is with the {program.coordinator_title}; you will hear by email.",
                )
            elif enrollment.state == EnrollmentState.WAITLISTED:
                messages.info(request, f"{cohort} is full; you are on the waitlist and move up when a place frees.")
            else:
                messages.success(request, f"You are enrolled in {cohort} as a {enrollment.get_role_display().lower()}.")
            return redirect(program.get_absolute_url())
    return render(
        request,
        "programs/enroll_form.html",
        {"program": program, "cohort": cohort, "role": Role(role), "form": form},
    )


@login_required
@require_POST
def withdraw(request, pk):
    enrollment = selectors.enrollment_get_for_user(user=request.user, pk=pk)
    services.enrollment_withdraw(enrollment=enrollment, by=request.user)
    messages.success(request, f"You have withdrawn from {enrollment.cohort}.")
    return redirect(enrollment.cohort.program.get_absolute_url())
