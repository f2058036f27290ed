"""The participant import's upload and confirmation form."""

from django import forms

from programs.models import Program

from ..services import participant_import


class ImportForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    file = forms.FileField(
        required=False,
        help_text="CSV, UTF-8, with a header line. Required columns: "
        + ", ".join(participant_import.REQUIRED)
        + ". Optional: "
        + ", ".join(participant_import.OPTIONAL)
        + ". Skills are separated by semicolons.",
    )
    # The previewed file, sent back unchanged when the coordinator confirms.
    content = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        if len(programs) == 1:
            # A sponsor runs one program: nothing to choose.
            self.fields["program"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > participant_import.MAX_BYTES:
                raise forms.ValidationError(participant_import.TOO_BIG)
            cleaned["data"] = upload.read()
        elif cleaned.get("content"):
            cleaned["data"] = cleaned["content"]
        else:
            raise forms.ValidationError("Choose a CSV file.")
        return cleaned
