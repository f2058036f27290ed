"""Authentication backends that load the signed-in person with their roles.

Every page's navigation shows what the person is (mentor, mentee,
coordinator). Asked separately that is a query per request; asked with the
person, who is loaded on every request anyway, it is two EXISTS look-ups on
an index in the same query, and never stale.

Both of the project's backends are here, under their own names: a session
names the backend that signed the person in, and Django loads the person
through that one.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class RolesMixin:
    def get_user(self, user_id):
        from programs.selectors import user_with_roles

        user = user_with_roles(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(RolesMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(RolesMixin, AllauthBackend):
    pass
