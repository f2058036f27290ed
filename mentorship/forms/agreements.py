"""The mentoring agreement's terms and the signature form."""

from django import forms
from django.forms.models import model_to_dict

from ..models import Agreement
from ..selectors.agreements import TERM_FIELDS

AGREEMENT_WIDGETS = {
    "duration_and_evaluation": forms.Textarea(attrs={"rows": 3}),
    "contact_between_meetings": forms.Textarea(attrs={"rows": 2}),
    "mentor_role": forms.Textarea(attrs={"rows": 3}),
    "mentee_role": forms.Textarea(attrs={"rows": 3}),
    "feedback": forms.Textarea(attrs={"rows": 3}),
    "no_fault_termination": forms.Textarea(attrs={"rows": 3}),
}


class AgreementForm(forms.Form):
    """The terms as typed, with the model's fields; `agreement_save` checks them
    (every term filled in, sane lengths) and saves. A plain form, so the model's
    constraints are judged once, by the service, with its messages."""

    def __init__(self, *args, agreement: Agreement | None = None, **kwargs):
        if agreement is not None:
            kwargs.setdefault("initial", model_to_dict(agreement, fields=TERM_FIELDS))
        super().__init__(*args, **kwargs)
        self.fields = forms.fields_for_model(Agreement, fields=TERM_FIELDS, widgets=AGREEMENT_WIDGETS)


class SignForm(forms.Form):
    typed_name = forms.CharField(label="Type your full name", max_length=200)
    # Not required here: agreement_sign refuses an unticked box with its own words.
    confirm = forms.BooleanField(label="I have read these terms and agree to them.", required=False)
