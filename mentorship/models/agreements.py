"""The mentoring agreement: its terms and both signatures."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from .pairing import Mentorship
from .people import User


class MeetingFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"


class Agreement(models.Model):
    """The mentoring agreement, with the terms of WTAP's Mentoring Agreement Form.

    Either partner drafts the terms; both sign with their typed name. Once anyone
    has signed, the terms are frozen (a signer may withdraw their signature while
    the partner has not signed, which unfreezes them); once both have signed the
    agreement is read-only for good.
    """

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="agreement")
    duration_and_evaluation = models.TextField(
        "duration and evaluation", help_text="How long the relationship lasts and when it is evaluated."
    )
    meeting_frequency = models.CharField(max_length=12, choices=MeetingFrequency.choices)
    min_meeting_minutes = models.PositiveSmallIntegerField("minimum meeting length (minutes)")
    max_meeting_minutes = models.PositiveSmallIntegerField("maximum meeting length (minutes)")
    contact_between_meetings = models.TextField(help_text="How you reach each other between meetings.")
    mentor_role = models.TextField("the mentor's role")
    mentee_role = models.TextField("the mentee's role")
    feedback = models.TextField(help_text="How and when you give each other feedback.")
    no_fault_termination = models.TextField("no-fault termination")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mentor_signed_name = models.CharField(max_length=200, blank=True)
    mentor_signed_at = models.DateTimeField(null=True, blank=True)
    mentee_signed_name = models.CharField(max_length=200, blank=True)
    mentee_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_meeting_minutes__gte=1, max_meeting_minutes__lte=1440)
                & Q(min_meeting_minutes__lte=models.F("max_meeting_minutes")),
                name="agreement_meeting_length_sane",
            ),
            # A signature is a typed name and a time, never one without the other.
            models.CheckConstraint(
                condition=(Q(mentor_signed_at__isnull=True) & Q(mentor_signed_name=""))
                | (Q(mentor_signed_at__isnull=False) & ~Q(mentor_signed_name="")),
                name="agreement_mentor_signature_complete",
            ),
            models.CheckConstraint(
                condition=(Q(mentee_signed_at__isnull=True) & Q(mentee_signed_name=""))
                | (Q(mentee_signed_at__isnull=False) & ~Q(mentee_signed_name="")),
                name="agreement_mentee_signature_complete",
            ),
        ]

    def __str__(self):
        return f"Mentoring agreement of {self.mentorship}"

    def get_absolute_url(self):
        return reverse("agreements:detail", kwargs={"pk": self.mentorship_id})

    @property
    def is_signed_by_both(self) -> bool:
        return self.mentor_signed_at is not None and self.mentee_signed_at is not None

    @property
    def is_signed_by_anyone(self) -> bool:
        return self.mentor_signed_at is not None or self.mentee_signed_at is not None

    def signed_at_of(self, role: str):
        return self.mentor_signed_at if role == "mentor" else self.mentee_signed_at
