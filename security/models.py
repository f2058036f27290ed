"""The security audit (NIST 800-53 AU-2/AU-3) and sign-in locks (AC-7).

The audit is append-only: a row is written once and never changed or removed
through the application (on PostgreSQL a trigger refuses it in the database
too). It sits beside, not instead of, the data's change history
(django-simple-history), which records what changed in the programs' data.
"""

from django.conf import settings
from django.db import models


class SecurityEventKind(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_IN_REFUSED_LOCKED = "sign_in_locked", "Sign-in refused: account locked"
    SIGN_OUT = "sign_out", "Signed out"
    SESSION_TIMED_OUT = "session_timeout", "Signed out after inactivity"
    ACCOUNT_LOCKED = "account_locked", "Account locked after failed sign-ins"
    ACCOUNT_UNLOCKED = "account_unlocked", "Account unlocked"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_SET = "password_set", "Password set"
    PASSWORD_RESET = "password_reset", "Password reset"
    EMAIL_ADDED = "email_added", "Email address added"
    EMAIL_REMOVED = "email_removed", "Email address removed"
    EMAIL_CHANGED = "email_changed", "Primary email address changed"
    EMAIL_CONFIRMED = "email_confirmed", "Email address confirmed"
    SSO_LINKED = "sso_linked", "Single sign-on account linked"
    ROLE_CHANGED = "role_changed", "Role changed"
    COORDINATOR_ADDED = "coordinator_added", "Coordinator scope added"
    COORDINATOR_REMOVED = "coordinator_removed", "Coordinator scope removed"
    EXPORT_RUN = "export_run", "Export run"
    IMPORT_RUN = "import_run", "Import run"
    CONFIDENTIAL_VIEWED = "confidential_viewed", "Confidential record opened"


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The security audit is append-only.")

    def delete(self):
        raise PermissionError("The security audit is append-only.")


class SecurityEvent(models.Model):
    """Who did what, when, and from where."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=24, choices=SecurityEventKind.choices, db_index=True)
    # No database constraint and nothing done on delete: an audit row keeps the
    # ids it was written with after a person or program is removed, and the
    # addresses as they were then.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+", help_text="Who did it; empty for an anonymous visitor or the system.",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+", help_text="Whose account or record it concerns.",
    )
    subject_email = models.CharField(max_length=254, blank=True)
    identifier = models.CharField(
        max_length=254, blank=True, help_text="The email address typed at sign-in."
    )
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.TextField(blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["identifier", "kind", "at"], name="security_event_sign_in_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The security audit is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The security audit is append-only.")


class SignInLock(models.Model):
    """An address locked after repeated failed sign-ins (AC-7).

    Keyed by the address typed, not by the account: an address that matches no
    one locks the same way, so the lock does not tell a stranger whether an
    account exists.
    """

    identifier = models.CharField(max_length=254, unique=True)
    locked_at = models.DateTimeField()
    locked_until = models.DateTimeField()
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-locked_at"]
        verbose_name = "sign-in lock"

    def __str__(self):
        return self.identifier
