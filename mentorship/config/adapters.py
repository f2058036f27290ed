"""allauth's adapter: the one place allauth is customised."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from security.services import sign_in_failed, sign_in_lock_active, sign_in_refused_locked


class AccountAdapter(DefaultAccountAdapter):
    """Every account gets a profile the moment it exists; sign-ins go through the lockout (AC-7)."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from ..services import profile_ensure

            profile_ensure(user=user)
        return user

    def pre_authenticate(self, request, **credentials):
        # A locked address is refused before the password is even checked, so
        # guessing during the lock learns nothing; allauth's own per-address
        # and per-IP rate limits still apply after this.
        identifier = credentials.get("email") or ""
        lock = sign_in_lock_active(identifier=identifier)
        if lock is not None:
            raise ValidationError(
                sign_in_refused_locked(request=request, identifier=identifier, lock=lock), code="account_locked"
            )
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        sign_in_failed(request=request, identifier=credentials.get("email") or "")
