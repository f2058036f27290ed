"""A mentorship's page with its sections (meetings, goals, agreement), and ending,
extending and setting its duration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from programs.errors import FAILED, submit

from .. import selectors, services
from ..forms.mentorships import DecisionForm, DurationForm, EndMentorshipForm, ExtendForm
from ..models import DecisionAnswer, DecisionQuestion, MeetingKind


def _mentorship_page(
    request, mentorship, *, end_form=None, duration_form=None, extend_form=None, decision_form=None
):
    program = mentorship.program
    early_from = services.early_end_from(mentorship=mentorship)
    today = timezone.localdate()
    role = mentorship.role_of(request.user)
    context = {
        "mentorship": mentorship,
        "program": program,
        "role": mentorship.role_of(request.user),
        "partner": mentorship.partner_of(request.user) if mentorship.role_of(request.user) else None,
        "end_form": end_form or EndMentorshipForm(),
        "duration_form": duration_form or DurationForm(),
        "extend_form": extend_form or ExtendForm(),
        "early_end_from": early_from if early_from and today < early_from else None,
        "needs_duration": selectors.mentorship_needs_duration(mentorship=mentorship),
        "discovery_held": selectors.has_held_meeting(mentorship=mentorship, kind=MeetingKind.DISCOVERY),
        "wrapup_held": selectors.has_held_meeting(mentorship=mentorship, kind=MeetingKind.WRAPUP),
        "extra": _mentorship_extra(request, mentorship),
        "end_due_on": selectors.end_due_on(mentorship=mentorship) if mentorship.is_active else None,
        "decisions": selectors.decisions_of(mentorship=mentorship),
        **_decision(request, mentorship, role=role, today=today, form=decision_form),
    }
    return render(request, "mentorship/mentorships/mentorship_detail.html", context)


def _decision(request, mentorship, *, role, today, form) -> dict:
    """What the program asks the pair now (extend or close; WTAP: continue or end), for its partners."""
    asked = selectors.open_question(mentorship=mentorship, today=today) if role else None
    if asked is None:
        return {"decision": None}
    partner = mentorship.partner_of(request.user)
    mine, theirs = asked.answer_of(request.user), asked.answer_of(partner)
    return {
        "decision": asked,
        "decision_extend": asked.question == DecisionQuestion.EXTEND_OR_CLOSE,
        "decision_mine": DecisionAnswer(mine).label if mine else "",
        "decision_theirs": DecisionAnswer(theirs).label if theirs else "",
        "decision_form": form or DecisionForm(),
    }


def _mentorship_extra(request, mentorship):
    """Sections other modules add to the mentorship page (meetings, goals, agreement)."""
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
@require_POST
def mentorship_decide(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    form = DecisionForm(request.POST)
    decision = submit(
        form, lambda data: services.mentorship_decide(mentorship=mentorship, by=request.user, answer=data["answer"])
    )
    if decision is FAILED:
        return _mentorship_page(request, mentorship, decision_form=form)
    messages.success(request, DECIDED[decision.answer])
    return redirect(mentorship.get_absolute_url())


DECIDED = {
    DecisionAnswer.EXTEND: "The mentorship is extended; your partner has been told.",
    DecisionAnswer.CLOSE: "Your answer is recorded: the mentorship closes at its planned end. Your partner has been told.",
    DecisionAnswer.CONTINUE: "Your answer is recorded: continue. Your partner has been told.",
    DecisionAnswer.END: "Your answer is recorded: end. Your partner has been told.",
}


def mentorship_sections(*, request, mentorship) -> dict:
    """The page's sections (meetings, goals, agreement), each with its template."""
    life = selectors.mentorship_working_life(user=request.user, mentorship=mentorship)
    role = life["role"]
    sections = [
        {"template": "mentorship/meetings/_section.html", "role": role, **life["meetings"]},
        {"template": "mentorship/goals/_section.html", "role": role, **life["goals"]},
        {"template": "mentorship/agreements/_section.html", "role": role, **life["agreement"]},
    ]
    compliance = life["meetings"]["compliance"]
    return {"health": compliance.health if compliance else None, "sections": sections}
