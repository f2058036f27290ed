"""allauth's adapter: the one place allauth is customised."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Every account gets a profile the moment it exists."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from ..services import profile_ensure

            profile_ensure(user=user)
        return user
