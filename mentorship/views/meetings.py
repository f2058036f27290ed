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
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from programs.errors import FAILED, submit

from .. import selectors, services
from ..forms.meetings import CancelForm, MarkHeldForm, MeetingEditForm, MeetingForm, PrivateNoteForm, RescheduleForm
from ..models import MeetingKind, MeetingStatus
from ..selectors.compliance import compliance_for

MEETINGS_PAGE_SIZE = 50


# ---------------------------------------------------------------------------
# Meetings and contact hours
# ---------------------------------------------------------------------------


@login_required
def meeting_list(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk)
    program = mentorship.program
    role = mentorship.role_of(request.user)
    page = Paginator(
        selectors.meetings_for_viewer(mentorship=mentorship, user=request.user), MEETINGS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for meeting in page.object_list:
        meeting.short_notice = selectors.is_short_notice(meeting=meeting, program=program)
        if role:
            notes = getattr(meeting, "my_private_notes", [])
            meeting.my_note = notes[0] if notes else None
    return render(
        request,
        "mentorship/meetings/meetings.html",
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
        "mentorship/meetings/meeting_form.html",
        {"mentorship": mentorship, "program": mentorship.program, "form": form},
        status=status,
    )


@login_required
def meeting_new(request, pk):
    mentorship = selectors.mentorship_get_for_user(user=request.user, pk=pk, participants_only=True)
    if request.method != "POST":
        kind = request.GET.get("kind")
        initial = {"kind": kind if kind in MeetingKind.values else MeetingKind.CHECKIN}
        if kind == MeetingKind.DISCOVERY:
            initial["status"] = MeetingForm.LOG
        return _meeting_form_page(request, mentorship, MeetingForm(initial=initial))
    form = MeetingForm(request.POST)

    def save(data):
        fields = {name: value for name, value in data.items() if name != "status"}
        service = services.meeting_log if data["status"] == MeetingForm.LOG else services.meeting_schedule
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
    return redirect("meetings:detail", pk=meeting.pk)


def _meeting_page(request, meeting, *, edit_form=None, note_form=None, held_form=None, cancel_form=None, status=200):
    mentorship = meeting.mentorship
    note = selectors.private_note_of(meeting=meeting, user=request.user)
    now = timezone.now()
    return render(
        request,
        "mentorship/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "mentorship": mentorship,
            "program": mentorship.program,
            "role": mentorship.role_of(request.user),
            "partner": mentorship.partner_of(request.user),
            "note": note,
            "short_notice": selectors.is_short_notice(meeting=meeting, program=mentorship.program),
            "short_notice_message": selectors.short_notice_message(meeting=meeting, program=mentorship.program)
            if meeting.last_change_notice_hours is not None
            else "",
            "notice_given": selectors.notice_display(meeting.last_change_notice_hours)
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
    meeting = selectors.meeting_get_for_participant(user=request.user, pk=pk)
    return _meeting_page(request, meeting)


@login_required
@require_POST
def meeting_edit(request, pk):
    meeting = selectors.meeting_get_for_participant(user=request.user, pk=pk)
    form = MeetingEditForm(request.POST)
    if submit(form, lambda data: services.meeting_update(meeting=meeting, by=request.user, **data)) is FAILED:
        return _meeting_page(request, meeting, edit_form=form)
    messages.success(request, "The meeting is updated.")
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_note(request, pk):
    meeting = selectors.meeting_get_for_participant(user=request.user, pk=pk)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        note = services.meeting_note_set(meeting=meeting, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Your private note is saved." if note else "Your private note is deleted.")
        return redirect("meetings:detail", pk=meeting.pk)
    return _meeting_page(request, meeting, note_form=form)


@login_required
@require_POST
def meeting_held(request, pk):
    meeting = selectors.meeting_get_for_participant(user=request.user, pk=pk)
    form = MarkHeldForm(request.POST)
    held = submit(
        form,
        lambda data: services.meeting_mark_held(meeting=meeting, by=request.user, duration_minutes=data["duration_minutes"]),
    )
    if held is FAILED:
        return _meeting_page(request, meeting, held_form=form)
    messages.success(request, "Marked as held; it counts towards your contact hours.")
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def meeting_reschedule(request, pk):
    meeting = selectors.meeting_get_for_participant(user=request.user, pk=pk)
    mentorship = meeting.mentorship
    form = RescheduleForm(request.POST or None)
    if request.method == "POST":
        moved = submit(
            form,
            lambda data: services.meeting_reschedule(
                meeting=meeting, by=request.user, starts_at=data["starts_at"], reason=data["reason"]
            ),
        )
        if moved is not FAILED:
            # The meeting page shows the notice given, and says so when it was short.
            messages.success(request, "The meeting is moved; your partner has been told.")
            return redirect("meetings:detail", pk=moved.pk)
    notice_now = selectors.notice_hours(starts_at=meeting.starts_at, now=timezone.now())
    return render(
        request,
        "mentorship/meetings/meeting_reschedule.html",
        {
            "meeting": meeting,
            "mentorship": mentorship,
            "program": mentorship.program,
            "form": form,
            "notice_now": selectors.notice_display(notice_now),
            "would_be_short": selectors.notice_is_short(program=mentorship.program, hours=notice_now),
        },
    )


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = selectors.meeting_get_for_participant(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    cancelled = submit(form, lambda data: services.meeting_cancel(meeting=meeting, by=request.user, reason=data["reason"]))
    if cancelled is FAILED:
        return _meeting_page(request, meeting, cancel_form=form)
    messages.info(request, "The meeting is cancelled; your partner has been told.")
    return redirect("meetings:detail", pk=cancelled.pk)


@login_required
@require_GET
def meeting_ics(request, pk):
    meeting = selectors.meeting_get_for_participant(user=request.user, pk=pk)
    response = HttpResponse(services.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------
# Calendar feed
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Goals
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Agreement
# ---------------------------------------------------------------------------
