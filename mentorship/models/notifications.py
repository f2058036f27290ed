"""What a person is told: notifications on the site, and the claimed reminders
that go out by email exactly once."""

from django.db import models
from django.db.models import Q

from .people import User


class Notification(models.Model):
    """What a person is told on the site; the same row records that its email went out."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    essential = models.BooleanField(default=True, help_text="Essential mail ignores the person's email frequency.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_skipped = models.BooleanField(
        default=False,
        help_text="Not emailed, shown on the site only: the person chose fewer emails, or it was news of an end "
        "caught up after its day.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            # The stale-send sweep (every 30 minutes) looks only at unsent rows.
            models.Index(fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_unsent"),
        ]

    def __str__(self):
        return self.subject


class ReminderDelivery(models.Model):
    """One reminder to one person, claimed before it is sent.

    The unique key (user, kind, key, period) is the exactly-once guarantee: the
    planner inserts the row first, so a second planner run, a second beat or a
    redelivered task finds it and sends nothing.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminder_deliveries")
    kind = models.CharField(max_length=20, help_text="checkin, meeting, event, digest")
    key = models.CharField(max_length=80, help_text="What it is about, e.g. mentorship:12 or meeting:40.")
    period = models.CharField(max_length=40, help_text="Which occurrence, e.g. the cadence deadline or ISO week.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    essential = models.BooleanField(default=False)
    meeting_id = models.BigIntegerField(null=True, blank=True)
    claim = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False, help_text="Not emailed: the person chose fewer emails.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key", "period"], name="reminder_once_per_period"),
        ]
        indexes = [
            models.Index(fields=["user", "essential", "sent_at"]),
            # The stale-send sweep (every 30 minutes) looks only at claimed, unsent rows.
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True, skipped=False), name="reminder_unsent"
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.user_id} ({self.period})"
