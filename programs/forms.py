from crispy_forms.helper import FormHelper
from django import forms

from .models import Platform, Program, Role


class EnrollmentForm(forms.Form):
    """The application: KY asks for needs, challenges, strengths and areas for
    improvement; HHS mentees choose a platform."""

    motivation = forms.CharField(
        label="Why do you want to take part?", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    needs = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)
    challenges = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)
    strengths = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)
    areas_for_improvement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)
    platform_preference = forms.ChoiceField(choices=[("", "—")] + Platform.choices, required=False)

    def __init__(self, *args, program: Program, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> carries the token
        if not program.requires_application_approval:
            for name in ("needs", "challenges", "strengths", "areas_for_improvement"):
                del self.fields[name]
        else:
            for name in ("needs", "challenges", "strengths", "areas_for_improvement"):
                self.fields[name].required = True
            self.fields["needs"].label = "Your needs" if role == Role.MENTEE else "What you can offer"
        if role != Role.MENTEE or not program.platforms:
            del self.fields["platform_preference"]
        else:
            self.fields["platform_preference"].choices = [
                (value, label) for value, label in Platform.choices if value in program.platforms
            ]
            self.fields["platform_preference"].required = True
            self.fields["platform_preference"].label = "Which mentoring platform do you prefer?"
