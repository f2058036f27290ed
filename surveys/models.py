"""Survey templates, who is asked what, and their answers.

A Survey belongs to one program and says *what* is asked; when it goes out
follows the program's rules (PROGRAMS.md, “surveys”): an exit survey after a
mentorship ends (AAHPM), a fit check some months in (KY: 3), an evaluation
after a period (KY 12, HHS 12, WTAP “after an initial period”). Progress
reports and feedback repeat every `every_months` of an active mentorship.

A SurveyInvitation is the claimed row of one send: unique per recipient,
survey, mentorship and round, inserted before any mail goes out, so a planner
run twice or from two beats asks nobody twice. Its answers are Answer rows;
only the recipient (through the personal link) and, in aggregate, the
program's coordinators ever read them.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

TOKEN_SALT = "surveys.invitation"


class SurveyKind(models.TextChoices):
    EXIT = "exit", "Exit survey"
    FIT_CHECK = "fit_check", "Fit check"
    EVALUATION = "evaluation", "Evaluation"
    PROGRESS_REPORT = "progress_report", "Progress report"
    FEEDBACK = "feedback", "Feedback"


# The kinds whose timing is the survey's own `every_months`, not a program rule.
REPEATING_KINDS = {SurveyKind.PROGRESS_REPORT, SurveyKind.FEEDBACK}


class Audience(models.TextChoices):
    BOTH = "both", "Mentors and mentees"
    MENTORS = "mentors", "Mentors"
    MENTEES = "mentees", "Mentees"


class Survey(models.Model):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(
        max_length=20,
        choices=SurveyKind.choices,
        help_text="When it goes out: exit — after a mentorship ends, if the program sends exit surveys; fit check — "
        "at the program's fit-check month; evaluation — at the program's evaluation month; progress report and "
        "feedback — every few months (below) while the mentorship is active.",
    )
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Shown above the questions and quoted in the email.")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    anonymous_in_reporting = models.BooleanField(
        default=False,
        help_text="Results and exports never show who answered. Respondents are told so on the survey page.",
    )
    every_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Progress reports and feedback: send every this many months of an active mentorship "
        "(HHS progress reports, HPMSNJ feedback — the documents are silent on how often).",
    )
    active = models.BooleanField(default=True, help_text="Inactive surveys are not sent and not reminded.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["program__name", "kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_months__isnull=True) | Q(every_months__gte=1, every_months__lte=60),
                name="survey_every_months_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.kind in REPEATING_KINDS and not self.every_months:
            raise ValidationError({"every_months": "Say how often this survey repeats (in months)."})
        if self.kind not in REPEATING_KINDS and self.every_months:
            raise ValidationError(
                {"every_months": "Only progress reports and feedback repeat; the program's rules time this kind."}
            )

    @property
    def asks_mentors(self) -> bool:
        return self.audience in (Audience.BOTH, Audience.MENTORS)

    @property
    def asks_mentees(self) -> bool:
        return self.audience in (Audience.BOTH, Audience.MENTEES)


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating 1–5"
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TEXT = "text", "Free text"


RATING_VALUES = (1, 2, 3, 4, 5)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.RATING)
    choices = models.TextField(blank=True, help_text="Single and multiple choice: one choice per line.")
    required = models.BooleanField(default=True)
    dimension = models.CharField(
        max_length=100,
        blank=True,
        help_text="Groups questions in the results, e.g. HHS: “Selection/Matching Process”.",
    )
    low_label = models.CharField(max_length=60, blank=True, default="Poor", help_text="Rating: what 1 means.")
    high_label = models.CharField(max_length=60, blank=True, default="Excellent", help_text="Rating: what 5 means.")
    alert_on = models.TextField(
        blank=True,
        help_text="Single choice or rating: alert the program's coordinators when the answer is one of these "
        "(one per line, e.g. “No, it is not working” or “1”). KY: “gauge if their mentoring match is a good fit "
        "with adjustments made if necessary”.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "order", "pk"]

    def __str__(self):
        return self.text

    def clean(self):
        choices = _lines(self.choices)
        alerts = _lines(self.alert_on)
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            if len(choices) < 2:
                raise ValidationError({"choices": "Give at least two choices, one per line."})
            if len(set(choices)) != len(choices):
                raise ValidationError({"choices": "Each choice may appear only once."})
        elif choices:
            raise ValidationError({"choices": "Only single and multiple choice questions have choices."})
        if alerts:
            if self.kind == QuestionKind.SINGLE:
                unknown = [a for a in alerts if a not in choices]
                if unknown:
                    raise ValidationError({"alert_on": f"Not one of the choices: {', '.join(unknown)}."})
            elif self.kind == QuestionKind.RATING:
                if any(a not in {str(v) for v in RATING_VALUES} for a in alerts):
                    raise ValidationError({"alert_on": "Give ratings from 1 to 5, one per line."})
            else:
                raise ValidationError({"alert_on": "Only single choice and rating questions can alert."})

    @property
    def choice_list(self) -> list[str]:
        return _lines(self.choices)

    @property
    def alert_values(self) -> set[str]:
        return set(_lines(self.alert_on))

    @property
    def is_rating(self) -> bool:
        return self.kind == QuestionKind.RATING

    @property
    def is_single(self) -> bool:
        return self.kind == QuestionKind.SINGLE

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT


class RecipientRole(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


def new_token_key() -> str:
    return secrets.token_urlsafe(18)


class SurveyInvitation(models.Model):
    """One person asked one survey about one mentorship (in one round).

    The row is the claim: it exists before the email does, `sent_at` is set by
    the one planner that claims it, and `reminder_count` moves only by a
    conditional UPDATE, so each email goes out once.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    mentorship = models.ForeignKey("mentorship.Mentorship", on_delete=models.CASCADE, related_name="survey_invitations")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations")
    role = models.CharField(max_length=10, choices=RecipientRole.choices)
    round = models.PositiveSmallIntegerField(
        default=1, help_text="1 for one-off surveys; the n-th period for progress reports and feedback."
    )
    due_on = models.DateField(help_text="The day the program's rule made the survey due.")
    # Half of the personal link; the other half is the signature (see `token`).
    token_key = models.CharField(max_length=40, unique=True, default=new_token_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    claim = models.CharField(max_length=40, blank=True, editable=False, help_text="The run that last claimed a send.")
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "survey", "mentorship", "round"], name="survey_invitation_once"
            ),
            models.CheckConstraint(condition=Q(round__gte=1), name="survey_invitation_round_positive"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(sent_at__isnull=False),
                name="survey_invitation_completed_after_sent",
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "completed_at", "reminder_count"]),
            models.Index(fields=["survey", "completed_at"]),
            models.Index(fields=["claim"]),
        ]

    def __str__(self):
        return f"{self.survey} → {self.recipient}"

    def get_absolute_url(self):
        return reverse("surveys:respond", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        """The personal link's credential: the id and key, signed with SECRET_KEY.

        A link cannot be forged without the secret, nor guessed from the id;
        `invitation_get_by_token` checks both halves.
        """
        return signing.Signer(salt=TOKEN_SALT).sign_object([self.pk, self.token_key])

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def status(self) -> str:
        if self.completed_at:
            return "answered"
        if self.draft_saved_at:
            return "draft saved"
        return "waiting" if self.sent_at else "not sent"


class Answer(models.Model):
    """One answer of one invitation to one question: a draft until the invitation is completed."""

    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=300, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="answer_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"Answer to {self.question_id}"

    @property
    def display(self) -> str:
        if self.rating is not None:
            return str(self.rating)
        if self.choice:
            return self.choice
        if self.choices:
            return "; ".join(self.choices)
        return self.text
