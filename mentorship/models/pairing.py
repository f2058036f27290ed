"""Invitations and mentorships: how two people become a pair, and the pair itself."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from programs.formats import date_text

from .people import User


class InvitationState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class InvitationSource(models.TextChoices):
    DIRECTORY = "directory", "Mentor directory"
    SUGGESTION = "suggestion", "Suggested mentor"
    SHORTLIST = "shortlist", "Coordinator's shortlist"


class Invitation(models.Model):
    """A mentee asks a mentor; pending until accepted, declined, withdrawn or expired."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="invitations")
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="invitations")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations_sent")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations_received")
    message = models.TextField(help_text="What the mentee wants to work on.")
    source = models.CharField(max_length=12, choices=InvitationSource.choices, default=InvitationSource.DIRECTORY)
    state = models.CharField(max_length=10, choices=InvitationState.choices, default=InvitationState.PENDING)
    decline_reason = models.TextField(blank=True)
    # When it was sent: the service's `now` (the demo's invitations are sent months ago).
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentee", "mentor"],
                condition=Q(state="pending"),
                name="invitation_one_pending_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=models.F("mentor")), name="invitation_not_to_self"),
        ]
        indexes = [
            models.Index(fields=["state", "expires_at"]),
            models.Index(fields=["mentor", "state"]),
            models.Index(fields=["mentee", "state"]),
        ]

    def __str__(self):
        return f"{self.mentee} → {self.mentor} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("invitations:detail", kwargs={"pk": self.pk})

    def role_of(self, user) -> str | None:
        """"mentor" (invited) or "mentee" (who invited), None for anyone else."""
        if user.pk == self.mentor_id:
            return "mentor"
        if user.pk == self.mentee_id:
            return "mentee"
        return None


class MentorshipState(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"


class MentorshipOrigin(models.TextChoices):
    INVITATION = "invitation", "Invitation accepted"
    AUTO_MATCH = "auto_match", "Auto-matching"
    COORDINATOR = "coordinator", "Paired by the coordinator"


class Mentorship(models.Model):
    """The relationship. Caps hold in the service under a lock; the slot columns
    are the database's backstop: an active mentorship takes one of the mentor's
    numbered places (and one of the mentee's), and two active mentorships can
    never share a place, so concurrent accepts cannot overfill a mentor."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="mentorships")
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.PROTECT, related_name="mentorships")
    mentor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="mentorships_as_mentor")
    mentee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="mentorships_as_mentee")
    state = models.CharField(max_length=12, choices=MentorshipState.choices, default=MentorshipState.ACTIVE)
    origin = models.CharField(max_length=12, choices=MentorshipOrigin.choices, default=MentorshipOrigin.INVITATION)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorship"
    )
    mentor_slot = models.PositiveSmallIntegerField()
    mentee_slot = models.PositiveSmallIntegerField()
    started_on = models.DateField()
    planned_end_on = models.DateField(
        null=True, blank=True, help_text="Empty where the pair agrees the duration (AAHPM: at the discovery call)."
    )
    agreed_duration_months = models.PositiveSmallIntegerField(null=True, blank=True)
    extended_count = models.PositiveSmallIntegerField(default=0)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    override_reason = models.TextField(
        blank=True, help_text="Why a coordinator paired these two against a soft rule."
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    goals_shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mentee shared the goals document with the mentor."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentor", "mentor_slot"],
                condition=Q(state="active"),
                name="mentorship_mentor_slot_free",
            ),
            models.UniqueConstraint(
                fields=["program", "mentee", "mentee_slot"],
                condition=Q(state="active"),
                name="mentorship_mentee_slot_free",
            ),
            models.UniqueConstraint(
                fields=["program", "mentor", "mentee"],
                condition=Q(state="active"),
                name="mentorship_one_active_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=models.F("mentor")), name="mentorship_not_with_self"),
            models.CheckConstraint(
                condition=Q(mentor_slot__gte=1, mentor_slot__lte=50, mentee_slot__gte=1, mentee_slot__lte=10),
                name="mentorship_slots_in_range",
            ),
            models.CheckConstraint(
                condition=Q(state="active", ended_on__isnull=True) | (~Q(state="active") & Q(ended_on__isnull=False)),
                name="mentorship_end_date_matches_state",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "state"]),
            models.Index(fields=["mentor", "state"]),
            models.Index(fields=["mentee", "state"]),
        ]

    def __str__(self):
        return f"{self.mentor} mentors {self.mentee} ({self.program.short_name})"

    def get_absolute_url(self):
        return reverse("mentorships:detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.state == MentorshipState.ACTIVE

    def partner_of(self, user) -> User:
        return self.mentee if user.pk == self.mentor_id else self.mentor

    def role_of(self, user) -> str | None:
        """"mentor" or "mentee" for one of the pair, None for anyone else."""
        if user.pk == self.mentor_id:
            return "mentor"
        if user.pk == self.mentee_id:
            return "mentee"
        return None

    def is_partner(self, user) -> bool:
        return self.role_of(user) is not None


class DecisionQuestion(models.TextChoices):
    EXTEND_OR_CLOSE = "extend_or_close", "Extend or close"
    CONTINUE_OR_END = "continue_or_end", "Continue or end"


class DecisionAnswer(models.TextChoices):
    EXTEND = "extend", "Extend"
    CLOSE = "close", "Close at the planned end"
    CONTINUE = "continue", "Continue"
    END = "end", "End"


# The answers each question takes.
DECISION_ANSWERS = {
    DecisionQuestion.EXTEND_OR_CLOSE: (DecisionAnswer.EXTEND, DecisionAnswer.CLOSE),
    DecisionQuestion.CONTINUE_OR_END: (DecisionAnswer.CONTINUE, DecisionAnswer.END),
}


class MentorshipDecision(models.Model):
    """One partner's answer to what the program asks the pair near a turning point:
    “extend or close” before the planned end (HPMSNJ, HHS, WTAP), “continue or end”
    at WTAP's evaluation after the initial period. `term` is the day the question is
    about (the planned end, the evaluation day), so an extended pair is asked again
    about its new end and never twice about the same one."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="decisions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=20, choices=DecisionQuestion.choices)
    term = models.DateField(help_text="The planned end, or the evaluation day, the answer is about.")
    answer = models.CharField(max_length=10, choices=DecisionAnswer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["mentorship", "-term", "answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "user", "question", "term"], name="decision_once_per_partner_and_term"
            ),
            models.CheckConstraint(
                condition=Q(question="extend_or_close", answer__in=["extend", "close"])
                | Q(question="continue_or_end", answer__in=["continue", "end"]),
                name="decision_answer_fits_question",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_answer_display()} ({self.get_question_display()}, {date_text(self.term)})"
