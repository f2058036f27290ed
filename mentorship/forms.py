from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from .images import reencode_photo
from .models import JobHistoryEntry, Profile, Skill, User

SUPERVISOR_UNKNOWN = "No one with that email address uses this site; leave it empty if your supervisor does not."
SUPERVISOR_SELF = "You cannot be your own supervisor."


class ProfileForm(forms.ModelForm):
    # A plain file field: reencode_photo alone decodes the upload, so the size is
    # checked before any decoding and every refusal carries its own message
    # (forms.ImageField would decode first and answer with one generic message).
    photo = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    supervisor_email = forms.EmailField(
        required=False,
        label="Your supervisor's email",
        help_text="If your first-line supervisor uses this site. Programs such as KY Connections never pair you "
        "with your first- or second-line supervisor.",
    )

    class Meta:
        model = Profile
        fields = [
            "photo",
            "headline",
            "bio",
            "organisation",
            "org_unit",
            "location",
            "career_level",
            "leadership_position",
            "skills_offered",
            "development_needs",
            "professional_goals",
            "email_frequency",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "professional_goals": forms.Textarea(attrs={"rows": 3}),
            "skills_offered": forms.CheckboxSelectMultiple,
            "development_needs": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        if self.instance.supervisor_id:
            self.fields["supervisor_email"].initial = self.instance.supervisor.email
        skills = Skill.objects.order_by("name")
        self.fields["skills_offered"].queryset = skills
        self.fields["development_needs"].queryset = skills
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> carries the token
        self.helper.layout = Layout(
            Fieldset(
                "About you",
                Div(Div("first_name", css_class="col-md-6"), Div("last_name", css_class="col-md-6"), css_class="row"),
                "photo",
                "headline",
                "bio",
            ),
            Fieldset(
                "Where you work",
                Div(Div("organisation", css_class="col-md-6"), Div("org_unit", css_class="col-md-6"), css_class="row"),
                Div(Div("location", css_class="col-md-6"), Div("career_level", css_class="col-md-6"), css_class="row"),
                "leadership_position",
                "supervisor_email",
            ),
            Fieldset(
                "Skills and goals",
                Div(
                    Div(Field("skills_offered", wrapper_class="skill-list"), css_class="col-md-6"),
                    Div(Field("development_needs", wrapper_class="skill-list"), css_class="col-md-6"),
                    css_class="row",
                ),
                "professional_goals",
            ),
            Fieldset("Email", "email_frequency"),
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):
            # A fresh upload (not the stored file): decode, check and re-encode.
            return reencode_photo(photo)
        return photo

    def clean_supervisor_email(self):
        email = self.cleaned_data.get("supervisor_email")
        if not email:
            return None
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError(SUPERVISOR_SELF)
        supervisor = User.objects.filter(email__iexact=email).first()
        if supervisor is None:
            raise forms.ValidationError(SUPERVISOR_UNKNOWN)
        return supervisor


class JobHistoryForm(forms.ModelForm):
    class Meta:
        model = JobHistoryEntry
        fields = ["title", "organisation", "start_year", "end_year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "The end year is before the start year.")
        return cleaned


JobHistoryFormSet = forms.inlineformset_factory(
    Profile, JobHistoryEntry, form=JobHistoryForm, extra=1, can_delete=True, max_num=20
)


class DirectoryFilterForm(forms.Form):
    """GET filters of the mentor directory; every value is in the URL, so a search can be bookmarked."""

    q = forms.CharField(required=False, max_length=100, label="Name")
    skill = forms.ModelMultipleChoiceField(queryset=Skill.objects.none(), required=False, label="Skills offered")
    unit = forms.CharField(required=False, max_length=80)
    near = forms.CharField(required=False, max_length=120, label="Near", help_text="A city, e.g. “Atlanta, GA”.")
    within = forms.IntegerField(required=False, min_value=1, max_value=5000, label="Within")
    distance_unit = forms.ChoiceField(choices=[("km", "km"), ("mi", "miles")], required=False, initial="km")
    level = forms.ChoiceField(
        required=False,
        choices=[("", "Any career level"), ("senior_to_junior", "More senior than me"), ("peer_to_peer", "Same level as me")],
        label="Career level",
    )
    free = forms.BooleanField(required=False, label="Has a free place")

    def __init__(self, *args, units: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = Skill.objects.order_by("name")
        self.fields["unit"].widget = forms.Select(choices=[("", "Any")] + [(u, u) for u in units])
        for name in ("q", "near"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["within"].widget.attrs.update({"class": "form-control", "placeholder": "50"})
        for name in ("unit", "level", "distance_unit"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["free"].widget.attrs["class"] = "form-check-input"
        self.fields["skill"].widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
        self.fields["skill"].widget.choices = self.fields["skill"].choices

    def skill_checkboxes(self):
        """The skill checkboxes, with the widget's markup and ids (id_skill_0, …),
        written in one pass: rendering a widget template per skill (200 of them)
        cost more than the rest of the directory page, and even a template loop
        over them cost a tenth of it."""
        selected = {str(v) for v in (self["skill"].value() or [])}
        # As the widget: aria-invalid on every box while the field has an error.
        flags = ' aria-invalid="true"' if self.is_bound and self["skill"].errors else ""
        return format_html_join(
            "",
            '<div class="form-check"><input type="checkbox" name="skill" value="{}" class="form-check-input" '
            'id="id_skill_{}"{}><label class="form-check-label" for="id_skill_{}">{}</label></div>',
            (
                (pk, n, mark_safe(flags + (" checked" if str(pk) in selected else "")), n, name)
                for n, (pk, name) in enumerate(self.fields["skill"].queryset.values_list("pk", "name"))
            ),
        )


class InvitationForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        min_length=10,
        label="What would you like to work on?",
        help_text="Your goals and what you hope this mentor can help with. The mentor reads this first.",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="Reason (optional, the mentee sees it)",
    )


class EndMentorshipForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("completed", "We completed the mentorship"), ("ended_early", "End it early")],
        widget=forms.RadioSelect,
        initial="completed",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Reason or summary")


class DurationForm(forms.Form):
    months = forms.IntegerField(min_value=1, max_value=60, label="Agreed duration (months)")


class ExtendForm(forms.Form):
    months = forms.IntegerField(min_value=1, max_value=36, initial=6, label="Extend by (months)")
