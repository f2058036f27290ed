"""Pages for the working life of a mentorship: meetings and contact hours,
calendar files and feeds, the goals document and the mentoring agreement.

Thin, like the rest: fetch-and-authorise, one service call, a message and a
redirect. Who may open what:

| page | mentor & mentee | coordinator of the program | anyone else |
|---|---|---|---|
| meetings & contact hours | yes, with notes | yes, dates and durations only | 404 |
| a meeting, its .ics, its notes | yes | 404 | 404 |
| goals document | mentee; mentor once shared | 404 (the admin shows a count) | 404 |
| agreement and its print view | yes | 404 (the admin shows who signed) | 404 |
| calendar feed | by its secret URL | — | 404 |
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from programs.errors import FAILED, RuleViolation, submit

from . import agreements, calendar_feed, goals, meetings, selectors
from .compliance import compliance_for
from .models import MeetingKind, MeetingStatus
from .worklife_forms import (
    AgreementForm,
    CancelForm,
    GoalForm,
    MarkHeldForm,
    MeetingEditForm,
    MeetingForm,
    PrivateNoteForm,
    RescheduleForm,
    SignForm,
)

MEETINGS_PAGE_SIZE = 50
# Refusals about the agreement's state rather than what was typed: the form they
# came from may no longer be on the page, so they go to the top as a message.
AGREEMENT_STATE_CODES = {"locked", "read_only", "ended", "signed", "forbidden"}


def _mentorship(request, pk, *, participants_only=False):
    return selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=participants_only)


# ---------------------------------------------------------------------------
# Meetings and contact hours
# ---------------------------------------------------------------------------


@login_required
def meeting_list(request, pk):
    mentorship = _mentorship(request, pk)
    program = mentorship.program
    role = mentorship.role_of(request.user)
    page = Paginator(
        meetings.meetings_for_viewer(mentorship=mentorship, user=request.user), MEETINGS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for meeting in page.object_list:
        meeting.short_notice = meetings.is_short_notice(meeting=meeting, program=program)
        if role:
            notes = getattr(meeting, "my_private_notes", [])
            meeting.my_note = notes[0] if notes else None
    return render(
        request,
        "mentorship/worklife/meetings.html",
        {
            "mentorship": mentorship,
            "program": program,
            "role": role,
            "page": page,
            "compliance": compliance_for(mentorship=mentorship),
        },
    )


def _meeting_form_page(request, mentorship, form, status=200):
    return render(
        request,
        "mentorship/worklife/meeting_form.html",
        {"mentorship": mentorship, "program": mentorship.program, "form": form},
        status=status,
    )


@login_required
def meeting_new(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    if request.method != "POST":
        kind = request.GET.get("kind")
        initial = {"kind": kind if kind in MeetingKind.values else MeetingKind.CHECKIN}
        if kind == MeetingKind.DISCOVERY:
            initial["status"] = MeetingForm.LOG
        return _meeting_form_page(request, mentorship, MeetingForm(initial=initial))
    form = MeetingForm(request.POST)

    def save(data):
        fields = {name: value for name, value in data.items() if name != "status"}
        service = meetings.meeting_log if data["status"] == MeetingForm.LOG else meetings.meeting_schedule
        return service(mentorship=mentorship, by=request.user, **fields)

    meeting = submit(form, save)
    if meeting is FAILED:
        return _meeting_form_page(request, mentorship, form)
    if meeting.status == MeetingStatus.HELD:
        messages.success(request, f"{meeting.get_kind_display()} logged: {meeting.duration_minutes} minutes.")
    else:
        messages.success(
            request,
            f"{meeting.get_kind_display()} scheduled; {mentorship.partner_of(request.user).display_name} "
            "has been told. Add it to your calendar with the .ics file.",
        )
    return redirect("worklife:meeting", pk=meeting.pk)


def _meeting_page(request, meeting, *, edit_form=None, note_form=None, held_form=None, cancel_form=None, status=200):
    mentorship = meeting.mentorship
    note = meeting.private_notes.filter(author=request.user).first()
    now = timezone.now()
    return render(
        request,
        "mentorship/worklife/meeting_detail.html",
        {
            "meeting": meeting,
            "mentorship": mentorship,
            "program": mentorship.program,
            "role": mentorship.role_of(request.user),
            "partner": mentorship.partner_of(request.user),
            "note": note,
            "short_notice": meetings.is_short_notice(meeting=meeting, program=mentorship.program),
            "short_notice_message": meetings.short_notice_message(meeting=meeting, program=mentorship.program)
            if meeting.last_change_notice_hours is not None
            else "",
            "notice_given": meetings.notice_display(meeting.last_change_notice_hours)
            if meeting.last_change_notice_hours is not None
            else "",
            "can_mark_held": meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at <= now,
            "is_upcoming": meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at > now,
            "edit_form": edit_form
            or MeetingEditForm(
                initial={
                    "duration_minutes": meeting.duration_minutes,
                    "kind": meeting.kind,
                    "mode": meeting.mode,
                    "location": meeting.location,
                    "shared_notes": meeting.shared_notes,
                }
            ),
            "note_form": note_form or PrivateNoteForm(initial={"text": note.text if note else ""}),
            "held_form": held_form or MarkHeldForm(initial={"duration_minutes": meeting.duration_minutes}),
            "cancel_form": cancel_form or CancelForm(),
        },
        status=status,
    )


@login_required
def meeting_detail(request, pk):
    meeting = meetings.meeting_get_for_participant(user=request.user, pk=pk)
    return _meeting_page(request, meeting)


@login_required
@require_POST
def meeting_edit(request, pk):
    meeting = meetings.meeting_get_for_participant(user=request.user, pk=pk)
    form = MeetingEditForm(request.POST)
    if submit(form, lambda data: meetings.meeting_update(meeting=meeting, by=request.user, **data)) is FAILED:
        return _meeting_page(request, meeting, edit_form=form)
    messages.success(request, "The meeting is updated.")
    return redirect("worklife:meeting", pk=meeting.pk)


@login_required
@require_POST
def meeting_note(request, pk):
    meeting = meetings.meeting_get_for_participant(user=request.user, pk=pk)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        note = meetings.meeting_note_set(meeting=meeting, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Your private note is saved." if note else "Your private note is deleted.")
        return redirect("worklife:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, note_form=form)


@login_required
@require_POST
def meeting_held(request, pk):
    meeting = meetings.meeting_get_for_participant(user=request.user, pk=pk)
    form = MarkHeldForm(request.POST)
    held = submit(
        form,
        lambda data: meetings.meeting_mark_held(meeting=meeting, by=request.user, duration_minutes=data["duration_minutes"]),
    )
    if held is FAILED:
        return _meeting_page(request, meeting, held_form=form)
    messages.success(request, "Marked as held; it counts towards your contact hours.")
    return redirect("worklife:meeting", pk=meeting.pk)


@login_required
def meeting_reschedule(request, pk):
    meeting = meetings.meeting_get_for_participant(user=request.user, pk=pk)
    mentorship = meeting.mentorship
    form = RescheduleForm(request.POST or None)
    if request.method == "POST":
        moved = submit(
            form,
            lambda data: meetings.meeting_reschedule(
                meeting=meeting, by=request.user, starts_at=data["starts_at"], reason=data["reason"]
            ),
        )
        if moved is not FAILED:
            # The meeting page shows the notice given, and says so when it was short.
            messages.success(request, "The meeting is moved; your partner has been told.")
            return redirect("worklife:meeting", pk=moved.pk)
    return render(
        request,
        "mentorship/worklife/meeting_reschedule.html",
        {
            "meeting": meeting,
            "mentorship": mentorship,
            "program": mentorship.program,
            "form": form,
            "notice_now": meetings.notice_display(
                meetings.notice_hours(starts_at=meeting.starts_at, now=timezone.now())
            ),
            "would_be_short": bool(mentorship.program.reschedule_notice_hours)
            and meetings.notice_hours(starts_at=meeting.starts_at, now=timezone.now())
            < mentorship.program.reschedule_notice_hours,
        },
    )


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = meetings.meeting_get_for_participant(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    cancelled = submit(form, lambda data: meetings.meeting_cancel(meeting=meeting, by=request.user, reason=data["reason"]))
    if cancelled is FAILED:
        return _meeting_page(request, meeting, cancel_form=form)
    messages.info(request, "The meeting is cancelled; your partner has been told.")
    return redirect("worklife:meeting", pk=cancelled.pk)


@login_required
@require_GET
def meeting_ics(request, pk):
    meeting = meetings.meeting_get_for_participant(user=request.user, pk=pk)
    response = HttpResponse(calendar_feed.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------
# Calendar feed
# ---------------------------------------------------------------------------


@login_required
def calendar_settings(request):
    token = calendar_feed.calendar_token_get(user=request.user)
    feed_url = request.build_absolute_uri(reverse("worklife:calendar_feed", kwargs={"token": token.token}))
    return render(
        request,
        "mentorship/worklife/calendar.html",
        {"feed_url": feed_url, "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://")},
    )


@login_required
@require_POST
def calendar_reset(request):
    calendar_feed.calendar_token_reset(user=request.user)
    messages.success(request, "Your calendar address is new; the old one no longer works. Subscribe again.")
    return redirect("worklife:calendar")


@require_GET
@never_cache
def calendar_feed_view(request, token):
    """The private feed: no sign-in (calendar apps cannot), the secret in the URL decides."""
    user = calendar_feed.feed_owner(token=token)
    response = HttpResponse(calendar_feed.feed_ics(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


# ---------------------------------------------------------------------------
# Goals
# ---------------------------------------------------------------------------


def _goals_page(request, mentorship, *, form=None, status=200):
    readable = goals.can_read_goals(user=request.user, mentorship=mentorship)
    if not readable and mentorship.role_of(request.user) != "mentor":
        raise Http404("No such goals document.")
    is_mentee = request.user.pk == mentorship.mentee_id
    program = mentorship.program
    items = list(mentorship.goals.all()) if readable else []
    discovery_held = mentorship.meetings.filter(kind=MeetingKind.DISCOVERY, status=MeetingStatus.HELD).exists()
    return render(
        request,
        "mentorship/worklife/goals.html",
        {
            "mentorship": mentorship,
            "program": program,
            "document": goals.document_name(mentorship),
            "goals": items,
            "readable": readable,
            "is_mentee": is_mentee,
            "form": form or GoalForm(),
            "can_edit": is_mentee and mentorship.is_active,
            "share_waits_for_discovery": program.goals_shared_after_discovery_call and not discovery_held,
        },
        status=status,
    )


@login_required
def goal_list(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    return _goals_page(request, mentorship)


@login_required
@require_POST
def goal_new(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    if request.user.pk != mentorship.mentee_id:
        raise Http404("No such goals document.")
    form = GoalForm(request.POST)
    if submit(form, lambda data: goals.goal_create(mentorship=mentorship, by=request.user, **data)) is FAILED:
        return _goals_page(request, mentorship, form=form)
    messages.success(request, "Goal added.")
    return redirect("worklife:goals", pk=mentorship.pk)


@login_required
def goal_edit(request, pk):
    goal = goals.goal_get_for_mentee(user=request.user, pk=pk)
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
    if request.method == "POST" and submit(form, lambda data: goals.goal_update(goal=goal, by=request.user, **data)) is not FAILED:
        messages.success(request, "Goal saved.")
        return redirect("worklife:goals", pk=mentorship.pk)
    return render(
        request,
        "mentorship/worklife/goal_form.html",
        {"goal": goal, "mentorship": mentorship, "document": goals.document_name(mentorship), "form": form},
    )


@login_required
@require_POST
def goal_delete(request, pk):
    goal = goals.goal_get_for_mentee(user=request.user, pk=pk)
    mentorship = goal.mentorship
    try:
        goals.goal_delete(goal=goal, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.info(request, "Goal deleted.")
    return redirect("worklife:goals", pk=mentorship.pk)


@login_required
@require_POST
def goals_share(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    if request.user.pk != mentorship.mentee_id:
        raise Http404("No such goals document.")
    try:
        goals.goals_share(mentorship=mentorship, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Your {goals.document_name(mentorship)} is shared with {mentorship.mentor.display_name}."
        )
    return redirect("worklife:goals", pk=mentorship.pk)


# ---------------------------------------------------------------------------
# Agreement
# ---------------------------------------------------------------------------


def _agreement_page(request, mentorship, *, form=None, sign_form=None, status=200):
    agreement = agreements.agreement_of(mentorship)
    role = mentorship.role_of(request.user)
    editable = mentorship.is_active and (agreement is None or not agreement.is_signed_by_anyone)
    if form is None and editable:
        form = AgreementForm(agreement=agreement) if agreement else AgreementForm(
            initial=agreements.agreement_defaults(mentorship=mentorship)
        )
    return render(
        request,
        "mentorship/worklife/agreement.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "agreement": agreement,
            "role": role,
            "editable": editable,
            "form": form,
            "sign_form": sign_form or SignForm(),
            "i_signed": bool(agreement and agreement.signed_at_of(role)),
            "expected_name": agreements.expected_signature(request.user),
            "preamble": agreements.PREAMBLE,
        },
        status=status,
    )


@login_required
def agreement_detail(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    return _agreement_page(request, mentorship)


@login_required
@require_POST
def agreement_edit(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            agreements.agreement_save(mentorship=mentorship, by=request.user, terms=form.cleaned_data)
        except RuleViolation as error:
            if error.code in AGREEMENT_STATE_CODES:
                messages.error(request, error.message)
                return redirect("worklife:agreement", pk=mentorship.pk)
            form.add_error(None, error.message)
        else:
            messages.success(request, "The agreement is saved. When you both agree with the terms, sign it.")
            return redirect("worklife:agreement", pk=mentorship.pk)
    return _agreement_page(request, mentorship, form=form)


@login_required
@require_POST
def agreement_sign(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    agreement = agreements.agreement_of(mentorship)
    form = SignForm(request.POST)
    if agreement is None:
        messages.error(request, agreements.NO_AGREEMENT)
        return redirect("worklife:agreement", pk=mentorship.pk)
    if form.is_valid():
        try:
            agreement = agreements.agreement_sign(
                agreement=agreement,
                by=request.user,
                typed_name=form.cleaned_data["typed_name"],
                confirmed=form.cleaned_data["confirm"],
            )
        except RuleViolation as error:
            if error.code in AGREEMENT_STATE_CODES:
                messages.error(request, error.message)
                return redirect("worklife:agreement", pk=mentorship.pk)
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Signed by both of you: the agreement is now read-only."
                if agreement.is_signed_by_both
                else f"Signed. {mentorship.partner_of(request.user).display_name} has been asked to sign too.",
            )
            return redirect("worklife:agreement", pk=mentorship.pk)
    return _agreement_page(request, mentorship, sign_form=form)


@login_required
@require_POST
def agreement_withdraw(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    agreement = agreements.agreement_of(mentorship)
    if agreement is None:
        raise Http404("No agreement yet.")
    try:
        agreements.agreement_signature_withdraw(agreement=agreement, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.info(request, "Your signature is withdrawn; the terms can be edited again.")
    return redirect("worklife:agreement", pk=mentorship.pk)


@login_required
def agreement_print(request, pk):
    mentorship = _mentorship(request, pk, participants_only=True)
    agreement = agreements.agreement_of(mentorship)
    if agreement is None:
        raise Http404("No agreement yet.")
    return render(
        request,
        "mentorship/worklife/agreement_print.html",
        {"mentorship": mentorship, "program": mentorship.program, "agreement": agreement, "preamble": agreements.PREAMBLE},
    )
