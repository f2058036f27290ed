"""The mentee's goals document, one row per goal."""

from django.db import models

from .pairing import Mentorship


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Goal(models.Model):
    """One goal of the mentee's goals document, which each program names its own way
    (AAHPM Mentoring Worksheet, HHS IDP, KY Connections Development Plan).

    Confidential to the pair: the mentee owns it, the mentor reads it once the
    mentee has shared the document (`Mentorship.goals_shared_at`), coordinators
    only ever see how many goals there are.
    """

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED)
    progress_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("target_date").asc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["mentorship", "status"])]

    def __str__(self):
        return self.title
