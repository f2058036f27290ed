"""The sign-in form, with the system-use notice where a deployment sets one (AC-8)."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

BANNER_NOT_ACCEPTED = "Accept the notice above to sign in."


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        banner = settings.SIGN_IN_BANNER.strip()
        # Shown above the fields (templates/allauth/elements/fields.html), escaped.
        self.sign_in_banner = mark_safe(linebreaks(banner, autoescape=True)) if banner else ""
        if banner:
            self.fields["accept_banner"] = forms.BooleanField(
                label="I have read the notice above and accept it.",
                error_messages={"required": BANNER_NOT_ACCEPTED},
                widget=forms.CheckboxInput(attrs={"aria-describedby": "sign-in-banner"}),
            )
            self.order_fields(["login", "password", "remember", "accept_banner"])
