"""Meetings and calls of a mentorship, their authors' private notes, and the
secret that opens a participant's calendar feed."""

from django.db import models
from django.db.models import Q

from programs.formats import date_text

from .pairing import Mentorship
from .people import User


class MeetingKind(models.TextChoices):
    DISCOVERY = "discovery", "Discovery call"
    CHECKIN = "checkin", "Check-in"
    WRAPUP = "wrapup", "Wrap-up call"
    OTHER = "other", "Other"


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=10, choices=MeetingKind.choices, default=MeetingKind.CHECKIN)
    mode = models.CharField(max_length=10, choices=MeetingMode.choices, default=MeetingMode.VIDEO)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=200, blank=True, help_text="Address, phone number or video link.")
    shared_notes = models.TextField(blank=True, help_text="Both partners see these notes.")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    rescheduled_count = models.PositiveSmallIntegerField(default=0)
    last_change_notice_hours = models.FloatField(
        null=True, blank=True, help_text="Hours of notice given at the last reschedule or cancellation."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    uid = models.CharField(max_length=64, unique=True, help_text="Stable calendar identifier.")

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=1440), name="meeting_duration_sane"
            ),
        ]
        indexes = [models.Index(fields=["mentorship", "status", "starts_at"]), models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {date_text(self.starts_at)}"


class MeetingPrivateNote(models.Model):
    """A note only its author ever sees — not the partner, not the coordinator."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "author"], name="one_private_note_per_author")]


class CalendarFeedToken(models.Model):
    """The secret in a participant's private calendar feed URL.

    Whoever knows the URL reads the person's meeting times (never notes), as with
    Google's or Outlook's private calendar addresses; resetting it makes the old
    URL answer 404.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed_token")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"
