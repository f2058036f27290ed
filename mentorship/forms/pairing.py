"""The coordinators' pairing screens: pair two people, end a pair, reassign a mentee."""

from django import forms

from programs.models import Program

from ..models import User

UNKNOWN_PERSON = "No one with that email address uses this site."


class PersonField(forms.EmailField):
    def clean(self, value):
        email = super().clean(value)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(UNKNOWN_PERSON)
        return user


class PairForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    mentor = PersonField(label="Mentor's email")
    mentee = PersonField(label="Mentee's email")
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Only to set aside a soft rule (not yet approved, paired before, platform) on purpose; it is "
        "recorded. Capacity, the supervisor chain and dual role are never set aside.",
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class EndForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("ended_early", "Ended early"), ("completed", "Completed")], widget=forms.RadioSelect, initial="ended_early"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class ReassignForm(forms.Form):
    new_mentor = PersonField(label="New mentor's email")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), label="Why the pair ends")
    override_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
