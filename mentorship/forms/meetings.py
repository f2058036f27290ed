"""Forms for meetings, goals and agreements: fields only, the rules live in the services."""

from django import forms
from django.utils import timezone

from ..models import MeetingKind, MeetingMode
from ..services.meetings import DURATION_TOO_LONG, DURATION_TOO_SHORT, MEETING_MINUTES_MAX, MEETING_MINUTES_MIN

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


# A meeting is planned or logged within this many years of today. Beyond it a
# date is a typo — and the last days of year 9999 overflow on the way to UTC.
MEETING_WITHIN_YEARS = 10
MEETING_DATE_RANGE = "Choose a date within {years} years of today."


class MeetingDateTimeField(forms.DateTimeField):
    widget = DateTimeLocalInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT])
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value is not None:
            today = timezone.localdate()
            if not today.year - MEETING_WITHIN_YEARS <= value.year <= today.year + MEETING_WITHIN_YEARS:
                raise forms.ValidationError(MEETING_DATE_RANGE.format(years=MEETING_WITHIN_YEARS), code="range")
        return value


class MeetingMinutesField(forms.IntegerField):
    """A meeting's length in minutes: the meetings service's bounds, said in its words
    ("at most 24 hours", not Django's "less than or equal to 1440")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MEETING_MINUTES_MIN)
        kwargs.setdefault("max_value", MEETING_MINUTES_MAX)
        kwargs.setdefault("error_messages", {"min_value": DURATION_TOO_SHORT, "max_value": DURATION_TOO_LONG})
        super().__init__(**kwargs)


def _tz_help() -> str:
    return f"Times are in {timezone.get_current_timezone_name().replace('_', ' ')} time."


class MeetingForm(forms.Form):
    """Schedule a meeting (it is planned) or log one that happened."""

    SCHEDULE, LOG = "scheduled", "held"

    status = forms.ChoiceField(
        label="This meeting",
        choices=[(SCHEDULE, "is planned — add it to our calendars"), (LOG, "has happened — log it")],
        widget=forms.RadioSelect,
        initial=SCHEDULE,
    )
    starts_at = MeetingDateTimeField(label="Date and time")
    duration_minutes = MeetingMinutesField(label="Duration (minutes)", initial=60)
    kind = forms.ChoiceField(choices=MeetingKind.choices, initial=MeetingKind.CHECKIN)
    mode = forms.ChoiceField(choices=MeetingMode.choices, initial=MeetingMode.VIDEO)
    location = forms.CharField(max_length=200, required=False, help_text="Address, phone number or video link.")
    shared_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Both of you see these notes. Your coordinator never does.",
    )
    private_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you will ever see this note.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _tz_help()


class MeetingEditForm(forms.Form):
    duration_minutes = MeetingMinutesField(label="Duration (minutes)")
    kind = forms.ChoiceField(choices=MeetingKind.choices)
    mode = forms.ChoiceField(choices=MeetingMode.choices)
    location = forms.CharField(max_length=200, required=False)
    shared_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Both of you see these notes."
    )


class MarkHeldForm(forms.Form):
    duration_minutes = MeetingMinutesField(label="How long did it last (minutes)?", required=False)


class RescheduleForm(forms.Form):
    starts_at = MeetingDateTimeField(label="New date and time")
    reason = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _tz_help()


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PrivateNoteForm(forms.Form):
    text = forms.CharField(
        label="Your private note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you see this — not your partner, not the coordinator. Empty it to delete it.",
    )
