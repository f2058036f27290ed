"""A person's own profile and job history."""

from collections.abc import Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms

from ..models import JobHistoryEntry, Profile, Skill, User
from .photos import reencode_photo

# The organisation unit in the words of the person's programs (Program.org_unit_label).
ORG_UNIT_HELP = "{program}: the {label} you work in."
ORG_UNIT_HELP_ANY = "The part of your organisation you work in, such as a department or division."


def _org_unit_word(label: str) -> str:
    return label if label.isupper() else label.lower()  # "OPDIV" stays, "Agency" reads "agency"


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

    def __init__(self, *args, user: User, unit_labels: Sequence[tuple[str, str]] = (), **kwargs):
        """`unit_labels`: (program, word) for the person's programs that have their
        own word for the organisation unit (selectors.org_unit_labels)."""
        super().__init__(*args, **kwargs)
        self.user = user
        unit = self.fields["org_unit"]
        if len(unit_labels) == 1:
            unit.label = unit_labels[0][1]
        helps = [ORG_UNIT_HELP.format(program=program, label=_org_unit_word(label)) for program, label in unit_labels]
        unit.help_text = " ".join(helps) or ORG_UNIT_HELP_ANY
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        if self.instance.supervisor_id:
            self.fields["supervisor_email"].initial = self.instance.supervisor.email
        # Whether the supervisor is someone else who uses the site is the
        # service's rule (services.people.supervisor_resolve): here, an email.
        skills = Skill.objects.order_by("name")
        self.fields["skills_offered"].queryset = skills
        self.fields["development_needs"].queryset = skills
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> carries the token
        self.helper.template = "_crispy_fields.html"  # the page's error summary says the non-field errors
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


JOB_TITLE_REQUIRED = "Give this job a title, or leave the whole row empty."


class JobHistoryForm(forms.ModelForm):
    class Meta:
        model = JobHistoryEntry
        fields = ["title", "organisation", "start_year", "end_year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The extra, empty row is optional as a whole, so none of its fields is
        # marked required (crispy's asterisk); a row someone starts to fill in
        # needs its title, which clean() asks for.
        self.title_required = not self.empty_permitted
        if self.empty_permitted:
            for field in self.fields.values():
                field.required = False

    def clean(self):
        cleaned = super().clean()
        if not self.title_required and not cleaned.get("title") and "title" not in self.errors:
            self.add_error("title", JOB_TITLE_REQUIRED)
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "The end year is before the start year.")
        return cleaned


JobHistoryFormSet = forms.inlineformset_factory(
    Profile, JobHistoryEntry, form=JobHistoryForm, extra=1, can_delete=True, max_num=20
)
