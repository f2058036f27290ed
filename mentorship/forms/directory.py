"""The mentor directory's filters and the invitation a mentee sends from a mentor's page."""

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from ..models import Skill


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
