"""Match runs, their proposals, coordinators' shortlists and per-program weights."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from programs.models import OrgUnitPreference


def _weight(default: float, help_text: str):
    return models.FloatField(
        default=default, validators=[MinValueValidator(0.0), MaxValueValidator(10.0)], help_text=help_text
    )


class MatchingWeights(models.Model):
    """How much each component counts in a program's scores (editable per program)."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE, related_name="matching_weights")
    needs = _weight(
        0.4, "Development needs ↔ skills offered. HHS: “the mentee's developmental needs and the mentor's areas of "
        "expertise”; KY: needs, challenges, strengths, areas for improvement."
    )
    goals = _weight(0.2, "Professional goals ↔ the mentor's career history and bio (text similarity).")
    platform = _weight(0.15, "HHS: platform preference (Senior-to-Junior / Peer-to-Peer) against career levels.")
    distance = _weight(0.15, "Geographic closeness. KY: “located convenient to each other”.")
    org_unit = _weight(0.05, "Same or different organisation unit, as the program prefers.")
    leadership = _weight(0.05, "KY: “Mentor should be in a leadership position”.")
    distance_scale_km = models.FloatField(
        default=100.0, validators=[MinValueValidator(1.0)], help_text="Closeness halves roughly every this many km."
    )
    min_score = models.FloatField(
        default=0.15,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="No proposal below this score; such mentees are listed as unmatched (only low scores).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "matching weights"

    def __str__(self):
        return f"Matching weights for {self.program.short_name}"

    @property
    def org_unit_preference(self) -> str:
        return self.program.org_unit_preference or OrgUnitPreference.ANY


class MatchRunState(models.TextChoices):
    PROPOSED = "proposed", "Proposals to review"
    CONFIRMED = "confirmed", "Confirmed"
    DISCARDED = "discarded", "Discarded"


class MatchRun(models.Model):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="match_runs")
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="match_runs")
    state = models.CharField(max_length=10, choices=MatchRunState.choices, default=MatchRunState.PROPOSED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    mentees_considered = models.PositiveIntegerField(default=0)
    mentors_considered = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    total_score = models.FloatField(default=0.0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Match run {self.pk} · {self.cohort}"


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Could not be confirmed"


class MatchProposal(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    components = models.JSONField(default=list, help_text="Each component: name, value, weight, contribution, reason.")
    state = models.CharField(max_length=10, choices=ProposalState.choices, default=ProposalState.PROPOSED)
    message = models.TextField(blank=True, help_text="Why a confirmation failed.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.ForeignKey(
        "mentorship.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="proposal_one_per_mentee_per_run"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="proposal_score_in_range"),
        ]

    def __str__(self):
        return f"{self.mentee} ← {self.mentor} ({self.score:.2f})"

    @property
    def reasons(self) -> list[str]:
        return [c["reason"] for c in self.components if c.get("reason") and c.get("contribution", 0) > 0]


class UnmatchedMentee(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "mentee"], name="unmatched_once_per_run")]

    def __str__(self):
        return f"{self.mentee}: {self.reason}"


class Shortlist(models.Model):
    """Third-party matching (HHS): the coordinator's list of potential mentors for a mentee."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="shortlists")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlists")
    note = models.TextField(blank=True, help_text="The need or issue the list answers; the mentee reads it.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Shortlist for {self.mentee} ({self.program.short_name})"


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["shortlist", "mentor"], name="shortlist_mentor_once")]
        verbose_name_plural = "shortlist entries"

    def __str__(self):
        return str(self.mentor)
