"""API tokens, the HR system's ids for people, idempotent writes, the audit of
writes, and webhooks with their delivery log."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

TOKEN_PREFIX = "mtp_"


class ApiToken(models.Model):
    """A program's key for one outside system. The key is shown once, when the
    coordinator creates it, and only its SHA-256 is kept: a 256-bit random key
    needs no slow hash, and a leaked table gives nobody a working key."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120, help_text="Which system uses it, e.g. “Personnel Cabinet HR sync”.")
    prefix = models.CharField(max_length=16, editable=False, help_text="The key's first characters, to tell keys apart.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(
        "read-write", default=False, help_text="Unticked: the key reads and never changes anything."
    )
    expires_at = models.DateTimeField(help_text="The key stops working then; at most a year ahead.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The coordinator the key acts for: their program scope, and their name on its changes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ExternalPerson(models.Model):
    """The id a program's HR system or member database gives a person."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="external_people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_ids")
    external_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "external_id"], name="external_id_once_per_program"),
            models.UniqueConstraint(fields=["program", "user"], name="external_person_once_per_program"),
        ]
        verbose_name = "external id"

    def __str__(self):
        return f"{self.external_id} → {self.user_id}"


class IdempotencyRecord(models.Model):
    """A write sent with an Idempotency-Key: claimed in the write's own
    transaction, so a retried or concurrent identical request finds the row
    (the database makes it wait for the first) and gets the first answer."""

    token_hash = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    body = models.BinaryField(default=b"")
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token_hash", "key"], name="idempotency_key_once_per_token")]


class ApiAuditEntry(models.Model):
    """Every write a token made, with what it answered."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="audit_entries")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=200, blank=True)
    replayed = models.BooleanField(default=False, help_text="Answered from an earlier request with the same key.")
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API audit entry"
        verbose_name_plural = "API audit entries"

    def __str__(self):
        return f"{self.method} {self.path} → {self.status}"


class WebhookEvent(models.TextChoices):
    PAIR_FORMED = "mentorship.formed", "Pair formed"
    PAIR_ENDED = "mentorship.ended", "Pair ended"
    ENROLMENT_DECIDED = "enrolment.decided", "Enrolment decided"
    SURVEY_ANSWERED = "survey.answered", "Survey answered"


def all_webhook_events() -> list[str]:
    return list(WebhookEvent.values)


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """Where a program's events are posted, signed with the endpoint's secret
    (HMAC-SHA256; the receiver keeps the same secret to check it)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500, help_text="https:// in production.")
    events = models.JSONField(default=all_webhook_events, help_text="Which events are posted here.")
    secret = models.CharField(max_length=80, default=new_webhook_secret, editable=False)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = "webhook"

    def __str__(self):
        return self.url

    def clean(self):
        # Events name people: in production they travel encrypted only.
        if settings.PRODUCTION and not self.url.lower().startswith("https://"):
            raise ValidationError({"url": "Use an https:// address: the events name people."})
        unknown = set(self.events or []) - set(WebhookEvent.values)
        if unknown or not self.events:
            raise ValidationError({"events": f"Choose from: {', '.join(WebhookEvent.values)}."})


class WebhookDelivery(models.Model):
    """One event for one endpoint, claimed before it is posted.

    The unique (endpoint, event key) is the exactly-once guarantee, as for
    reminders: the event is recorded once however often its signal fires, and
    `sent_at` is set by a conditional UPDATE just before the POST, released if
    the receiver does not answer 2xx so that a retry posts it.
    """

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_key = models.CharField(max_length=120)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True, help_text="Given up after the last retry.")
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_key"], name="webhook_once_per_event")]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True, failed_at__isnull=True), name="webhook_unsent")
        ]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} → {self.endpoint_id}"
