"""The core domain: people, their profiles, and (in later modules) mentorships."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.name_for(self.first_name, self.last_name, self.email)

    @staticmethod
    def name_for(first_name: str, last_name: str, email: str) -> str:
        """`display_name` from the raw columns, for code that reads them with values()."""
        return f"{first_name} {last_name}".strip() or email.split("@")[0]


class Skill(models.Model):
    """The shared vocabulary of skills offered and development needs."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:90]
        super().save(*args, **kwargs)


class CareerLevel(models.IntegerChoices):
    ENTRY = 1, "Entry level"
    EARLY = 2, "Early career"
    MID = 3, "Mid-career"
    SENIOR = 4, "Senior"
    EXECUTIVE = 5, "Executive"


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "As they happen"
    WEEKLY = "weekly", "At most weekly"
    OFF = "off", "Only essential emails"


def photo_upload_to(instance, filename):
    # The name is ours, never the uploader's: the form re-encodes every photo.
    return f"photos/{instance.user_id}/{filename}"


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    photo = models.ImageField(upload_to=photo_upload_to, blank=True)
    headline = models.CharField(max_length=160, blank=True, help_text="e.g. “Palliative care physician, 15 years”.")
    bio = models.TextField(blank=True)
    organisation = models.CharField(max_length=160, blank=True)
    org_unit = models.CharField(
        "organisation unit", max_length=80, blank=True, db_index=True, help_text="HHS: your OPDIV (e.g. CDC, NIH)."
    )
    location = models.CharField(max_length=160, blank=True, help_text="City, e.g. “Louisville, KY”.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    career_level = models.PositiveSmallIntegerField(choices=CareerLevel.choices, null=True, blank=True)
    leadership_position = models.BooleanField(
        default=False, help_text="You hold a leadership position (KY: mentors should)."
    )
    supervisor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_profiles",
        help_text="Your first-line supervisor, if they use this site (KY: your supervisor cannot be your mentor).",
    )
    skills_offered = models.ManyToManyField(Skill, blank=True, related_name="offered_by")
    development_needs = models.ManyToManyField(Skill, blank=True, related_name="needed_by")
    professional_goals = models.TextField(blank=True)
    email_frequency = models.CharField(
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
        help_text="For reminders and digests; invitations and surveys always arrive.",
    )
    # Indexed: matching's cached pools check the latest profile change on every suggestion.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(supervisor__isnull=True) | ~Q(supervisor=models.F("user")),
                name="profile_not_own_supervisor",
            ),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    def get_absolute_url(self):
        return reverse("mentorship:person", kwargs={"pk": self.user_id})


class JobHistoryEntry(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="job_history")
    title = models.CharField(max_length=160)
    organisation = models.CharField(max_length=160, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: current.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name_plural = "job history entries"

    def __str__(self):
        return f"{self.title}, {self.organisation}" if self.organisation else self.title


# ---------------------------------------------------------------------------
# Invitations and mentorships
# ---------------------------------------------------------------------------


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
    created_at = models.DateTimeField(auto_now_add=True)
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
        return reverse("mentorship:invitation", kwargs={"pk": self.pk})


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
        return reverse("mentorship:mentorship", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.state == MentorshipState.ACTIVE

    def partner_of(self, user) -> User:
        return self.mentee if user.pk == self.mentor_id else self.mentor

    def role_of(self, user) -> str | None:
        if user.pk == self.mentor_id:
            return "mentor"
        if user.pk == self.mentee_id:
            return "mentee"
        return None


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

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            # The stale-send sweep (every 30 minutes) looks only at unsent rows.
            models.Index(fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_unsent"),
        ]

    def __str__(self):
        return self.subject


# ---------------------------------------------------------------------------
# Meetings and calls
# ---------------------------------------------------------------------------


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
        return f"{self.get_kind_display()} on {self.starts_at:%Y-%m-%d}"


class MeetingPrivateNote(models.Model):
    """A note only its author ever sees — not the partner, not the coordinator."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "author"], name="one_private_note_per_author")]


# ---------------------------------------------------------------------------
# Goals, agreements and calendar feeds (the working life of a mentorship)
# ---------------------------------------------------------------------------


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
        return reverse("worklife:agreement", kwargs={"pk": self.mentorship_id})

    @property
    def is_signed_by_both(self) -> bool:
        return self.mentor_signed_at is not None and self.mentee_signed_at is not None

    @property
    def is_signed_by_anyone(self) -> bool:
        return self.mentor_signed_at is not None or self.mentee_signed_at is not None

    def signed_at_of(self, role: str):
        return self.mentor_signed_at if role == "mentor" else self.mentee_signed_at


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
