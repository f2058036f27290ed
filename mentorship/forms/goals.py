"""A goal of the mentee's goals document."""

from django import forms

from ..models import GoalStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class GoalForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_date = forms.DateField(required=False, widget=DateInput)
    status = forms.ChoiceField(choices=GoalStatus.choices, initial=GoalStatus.NOT_STARTED)
    progress_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
