"""Ending, extending and setting the agreed duration of a mentorship, and the
partners' answers when the program asks them to extend or close, continue or end."""

from django import forms

from ..models import DecisionAnswer

# Nothing is chosen for the person: ending a mentorship "completed" or "early"
# is theirs to say (a preselected "completed" was sent by those who meant early).
OUTCOME_REQUIRED = "Choose whether you completed the mentorship or are ending it early."


class EndMentorshipForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("completed", "We completed the mentorship"), ("ended_early", "End it early")],
        widget=forms.RadioSelect,
        error_messages={"required": OUTCOME_REQUIRED},
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Reason or summary")


class DurationForm(forms.Form):
    months = forms.IntegerField(min_value=1, max_value=60, label="Agreed duration (months)")


class ExtendForm(forms.Form):
    months = forms.IntegerField(min_value=1, max_value=36, initial=6, label="Extend by (months)")


class DecisionForm(forms.Form):
    """A partner's answer to what the program asks the pair now: each answer is a
    button; the service checks it fits the question asked."""

    answer = forms.ChoiceField(choices=DecisionAnswer.choices)
