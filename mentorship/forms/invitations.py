"""A mentor's answer to an invitation."""

from django import forms


class DeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="Reason (optional, the mentee sees it)",
    )
