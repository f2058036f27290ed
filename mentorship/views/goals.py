"""The goals document's pages: the mentee writes and shares it, the mentor reads it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from programs.errors import FAILED, RuleViolation, submit

from .. import selectors, services
from ..forms.goals import GoalForm


def _goals_page(request, mentorship, *, form=None, status=200):
    readable = selectors.can_read_goals(user=request.user, mentorship=mentorship)
    is_mentee = mentorship.role_of(request.user) == "mentee"
    program = mentorship.program
    items = list(mentorship.goals.all()) if readable else []
    return render(
        request,
        "mentorship/goals/goals.html",
        {
            "mentorship": mentorship,
            "program": program,
            "document": selectors.document_name(mentorship),
            "goals": items,
            "readable": readable,
            "is_mentee": is_mentee,
            "form": form or GoalForm(),
            "can_edit": is_mentee and mentorship.is_active,
            "share_waits_for_discovery": selectors.goals_share_waits_for_discovery(mentorship=mentorship),
        },
        status=status,
    )


@login_required
def goal_list(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    return _goals_page(request, mentorship)


@login_required
@require_POST
def goal_new(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, role="mentee")
    form = GoalForm(request.POST)
    if submit(form, lambda data: services.goal_create(mentorship=mentorship, by=request.user, **data)) is FAILED:
        return _goals_page(request, mentorship, form=form)
    messages.success(request, "Goal added.")
    return redirect("goals:list", pk=mentorship.pk)


@login_required
def goal_edit(request, pk):
    goal = selectors.goal_get_for_mentee(user=request.user, pk=pk)
    mentorship = goal.mentorship
    form = GoalForm(
        request.POST or None,
        initial={
            "title": goal.title,
            "description": goal.description,
            "target_date": goal.target_date,
            "status": goal.status,
            "progress_notes": goal.progress_notes,
        },
    )
    if request.method == "POST" and submit(form, lambda data: services.goal_update(goal=goal, by=request.user, **data)) is not FAILED:
        messages.success(request, "Goal saved.")
        return redirect("goals:list", pk=mentorship.pk)
    return render(
        request,
        "mentorship/goals/goal_form.html",
        {"goal": goal, "mentorship": mentorship, "document": selectors.document_name(mentorship), "form": form},
    )


@login_required
@require_POST
def goal_delete(request, pk):
    goal = selectors.goal_get_for_mentee(user=request.user, pk=pk)
    mentorship = goal.mentorship
    try:
        services.goal_delete(goal=goal, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.info(request, "Goal deleted.")
    return redirect("goals:list", pk=mentorship.pk)


@login_required
@require_POST
def goals_share(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, role="mentee")
    try:
        services.goals_share(mentorship=mentorship, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Your {selectors.document_name(mentorship)} is shared with {mentorship.mentor.display_name}."
        )
    return redirect("goals:list", pk=mentorship.pk)
